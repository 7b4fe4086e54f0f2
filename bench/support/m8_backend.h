/* The C interface of an m8bench grid backend: a Mem|8 implementation in any
 * language, built as a shared library, that the benchmark binaries load
 * with --m8_backend=PATH.so and m8bench_conformance checks.
 *
 * The library exports one C function, m8_backend_entry. The host passes
 * the interface version it speaks; the library returns a table of function
 * pointers (m8_backend_v1) for the same major version, or
 * M8_E_ABI_MISMATCH. Within a major version the table only grows at its
 * end: struct_size says how much of it the library filled in, and the host
 * reads nothing beyond. An operation the library does not offer has a NULL
 * pointer and its capability bit clear; the host skips its benchmarks and
 * conformance checks and says so.
 *
 * The semantics of every operation are those of m8::Grid (grid/grid.h):
 * the Memory Blanket, decay, interference, resonance and region exactly as
 * the model defines them. Plain C99 and fixed-width types only; no enums or
 * bool in the structs.
 *
 * Thread-safety: a grid is used from one thread at a time, except that the
 * const operations (recall, interference, resonance, region, layer_scan,
 * size) may run on one grid from several threads at once.
 */
#ifndef M8_BENCH_SUPPORT_M8_BACKEND_H_
#define M8_BENCH_SUPPORT_M8_BACKEND_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define M8_BACKEND_ABI_MAJOR 1
#define M8_BACKEND_ABI_MINOR 0

/* Status codes. A miss is M8_NOT_FOUND, not an error. */
#define M8_OK 0
#define M8_NOT_FOUND 1
#define M8_E_UNSUPPORTED -1
#define M8_E_INVALID_ARG -2
#define M8_E_NOMEM -3
#define M8_E_FULL -4 /* max_cells reached: nothing changed */
#define M8_E_INTERNAL -5
#define M8_E_ABI_MISMATCH -6

/* What Store did (m8::StoreOutcome). */
#define M8_STORED 0
#define M8_REINFORCED 1
#define M8_TEMPORARY 2
#define M8_DROPPED 3

/* Capability bits: one per optional operation. */
#define M8_CAP_INTERFERENCE (UINT64_C(1) << 0)
#define M8_CAP_ADVANCE_TIME (UINT64_C(1) << 1)
#define M8_CAP_RESONANCE (UINT64_C(1) << 2)
#define M8_CAP_REGION (UINT64_C(1) << 3)
#define M8_CAP_LAYER_SCAN (UINT64_C(1) << 4)

/* Edge policies of interference. */
#define M8_EDGE_CLAMP 0
#define M8_EDGE_SKIP 1

/* A point of the address space: x, y in [0, 255], z in [0, 65535]. */
typedef struct m8_coord {
  uint8_t x;
  uint8_t y;
  uint16_t z;
} m8_coord;

/* A cell: exactly 32 bytes, the fields of m8::Wave in its order. */
typedef struct m8_wave {
  float amplitude;
  float frequency;
  float phase;
  float decay_tau; /* +inf: never decays */
  uint32_t touched; /* grid time of the last store or reinforce, in ms */
  uint32_t access_count;
  int8_t valence;
  uint8_t arousal;
  uint8_t importance; /* 15: permanent */
  uint8_t kind;
  uint32_t tag;
} m8_wave;

/* The grid options (m8::GridOptions) that change results. */
typedef struct m8_config {
  uint32_t struct_size; /* sizeof(m8_config) as the host knows it */
  uint32_t edge_policy; /* M8_EDGE_CLAMP or M8_EDGE_SKIP */
  double alpha;
  double beta;
  double noise_floor;
  double blanket_threshold;
  double active_threshold;
  double reinforce_gain;
  double amplitude_max;
  double relevance;
  double familiarity;
  double threat;
  uint64_t max_cells; /* 0: unlimited */
} m8_config;

typedef struct m8_decay_stats {
  uint64_t scanned;
  uint64_t evicted;
} m8_decay_stats;

typedef struct m8_layer_sum {
  double sum;
  uint64_t count;
} m8_layer_sum;

typedef struct m8_resonance_query {
  float frequency;
  float bandwidth;
  float min_strength;
  uint32_t k; /* 0: every match */
  uint32_t has_target_valence;
  uint32_t has_target_arousal;
  float target_valence;
  float target_arousal;
} m8_resonance_query;

/* Receives the hits of resonance (best first) or the cells of region (in
 * key order), one at a time; `context` is the caller's. */
typedef void (*m8_cell_sink)(void* context, m8_coord coord,
                             const m8_wave* wave, double score);

typedef struct m8_grid m8_grid; /* the library's own */

typedef struct m8_backend_v1 {
  uint32_t struct_size; /* sizeof(m8_backend_v1) as the library knows it */
  uint16_t abi_major;
  uint16_t abi_minor;
  const char* name;    /* the implementation's name, e.g. "naive-c" */
  const char* version; /* its version */
  uint64_t caps;       /* M8_CAP_* bits */

  /* A grid with `config`; M8_E_INVALID_ARG for options it cannot honour. */
  int32_t (*create)(const m8_config* config, m8_grid** out);
  void (*destroy)(m8_grid* grid);
  /* The message of the last error on `grid` (NULL: of the last create). */
  const char* (*last_error)(const m8_grid* grid);

  /* Required operations. */
  int32_t (*store)(m8_grid* grid, m8_coord c, const m8_wave* wave,
                   int32_t* outcome);
  int32_t (*put)(m8_grid* grid, m8_coord c, const m8_wave* wave);
  /* M8_OK with *out filled, or M8_NOT_FOUND. */
  int32_t (*recall)(const m8_grid* grid, m8_coord c, m8_wave* out);
  /* M8_OK, or M8_NOT_FOUND for an empty cell. */
  int32_t (*reinforce)(m8_grid* grid, m8_coord c, float gain);
  int32_t (*forget)(m8_grid* grid, m8_coord c);
  uint64_t (*size)(const m8_grid* grid);

  /* Optional operations (NULL when the cap bit is clear). */
  int32_t (*interference)(const m8_grid* grid, m8_coord c, double* out);
  int32_t (*advance_time)(m8_grid* grid, int64_t dt_ns, m8_decay_stats* out);
  int32_t (*resonance)(const m8_grid* grid, const m8_resonance_query* query,
                       m8_cell_sink sink, void* context);
  int32_t (*region)(const m8_grid* grid, uint8_t cx, uint8_t cy,
                    double radius, uint16_t z_min, uint16_t z_max,
                    m8_cell_sink sink, void* context);
  int32_t (*layer_scan)(const m8_grid* grid, uint16_t z, m8_layer_sum* out);
} m8_backend_v1;

/* The one exported symbol. Returns M8_OK and the table in *out, or
 * M8_E_ABI_MISMATCH when the library speaks no version the host can use. */
typedef int32_t (*m8_backend_entry_fn)(uint32_t host_abi_major,
                                      uint32_t host_abi_minor,
                                      const m8_backend_v1** out);
int32_t m8_backend_entry(uint32_t host_abi_major, uint32_t host_abi_minor,
                         const m8_backend_v1** out);

#ifdef __cplusplus
} /* extern "C" */
static_assert(sizeof(m8_wave) == 32, "an m8_wave is exactly 32 bytes");
static_assert(sizeof(m8_coord) == 4, "an m8_coord is 4 bytes");
#else
_Static_assert(sizeof(m8_wave) == 32, "an m8_wave is exactly 32 bytes");
_Static_assert(sizeof(m8_coord) == 4, "an m8_coord is 4 bytes");
#endif

#endif /* M8_BENCH_SUPPORT_M8_BACKEND_H_ */
