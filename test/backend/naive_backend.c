/* A naive but correct Mem|8 grid in C, behind the C interface of
 * bench/support/m8_backend.h: an open-addressing hash table of cells, every
 * query a scan. It exists to show the interface from the library's side and
 * to run the grid fixtures and the conformance checks through
 * --m8_backend in the tests. Save/Load are not part of C interface 1.0.
 *
 * Built with -DM8_NAIVE_BREAK=<n> it is a broken library for the loader's
 * tests: 1 answers another interface version, 2 has a NULL required
 * pointer, 3 declares a capability without its pointer, 4 crashes in recall,
 * 5 gets the blanket wrong (stores noise), 6 hangs in create, 7 exports
 * no m8_backend_entry. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bench/support/m8_backend.h"

#ifndef M8_NAIVE_BREAK
#define M8_NAIVE_BREAK 0
#endif

#define EXPORT __attribute__((visibility("default")))
static const double kPi = 3.14159265358979323846;

typedef struct slot {
  uint32_t key;
  uint32_t used; /* 0 empty, 1 used */
  m8_wave wave;
} slot;

struct m8_grid {
  m8_config config;
  slot* slots;
  uint64_t capacity; /* a power of two */
  uint64_t count;
  int64_t now_ns;
  const char* error;
};

static const char* g_create_error = "no error";

static uint32_t key_of(m8_coord c) {
  return (uint32_t)c.z << 16 | (uint32_t)c.y << 8 | c.x;
}

static m8_coord coord_of(uint32_t key) {
  m8_coord c;
  c.x = (uint8_t)(key & 0xff);
  c.y = (uint8_t)(key >> 8 & 0xff);
  c.z = (uint16_t)(key >> 16);
  return c;
}

static uint64_t hash(uint32_t key) {
  uint64_t h = key * UINT64_C(0x9e3779b97f4a7c15);
  return h ^ (h >> 29);
}

static slot* find(const m8_grid* g, uint32_t key) {
  uint64_t mask = g->capacity - 1;
  for (uint64_t i = hash(key) & mask;; i = (i + 1) & mask) {
    slot* s = &g->slots[i];
    if (!s->used) return NULL;
    if (s->key == key) return s;
  }
}

static int grow(m8_grid* g) {
  uint64_t old_capacity = g->capacity;
  slot* old = g->slots;
  g->capacity = old_capacity * 2;
  g->slots = calloc(g->capacity, sizeof(slot));
  if (g->slots == NULL) {
    g->slots = old;
    g->capacity = old_capacity;
    return 0;
  }
  for (uint64_t i = 0; i < old_capacity; ++i) {
    if (!old[i].used) continue;
    uint64_t mask = g->capacity - 1;
    uint64_t j = hash(old[i].key) & mask;
    while (g->slots[j].used) j = (j + 1) & mask;
    g->slots[j] = old[i];
  }
  free(old);
  return 1;
}

/* Backward-shift deletion keeps every probe sequence unbroken. */
static void erase(m8_grid* g, slot* s) {
  uint64_t mask = g->capacity - 1;
  uint64_t i = (uint64_t)(s - g->slots);
  uint64_t j = i;
  for (;;) {
    j = (j + 1) & mask;
    if (!g->slots[j].used) break;
    uint64_t home = hash(g->slots[j].key) & mask;
    int between = i <= j ? (i < home && home <= j) : (i < home || home <= j);
    if (between) continue;
    g->slots[i] = g->slots[j];
    i = j;
  }
  g->slots[i].used = 0;
  g->count--;
}

static double now_s(const m8_grid* g) { return g->now_ns / 1e9; }
static uint32_t now_ms(const m8_grid* g) {
  int64_t ms = g->now_ns / 1000000;
  return ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
}

static double clampd(double v, double lo, double hi) {
  return v < lo ? lo : v > hi ? hi : v;
}

static double strength(const m8_grid* g, const m8_wave* w) {
  const m8_config* c = &g->config;
  double emod = (1 + c->alpha * (w->valence / 127.0)) *
                (1 + c->beta * (w->arousal / 255.0));
  double decay = 1.0;
  if (!isinf(w->decay_tau)) {
    double tau = w->decay_tau * clampd(c->relevance, 0.5, 2.0) *
                 clampd(c->familiarity, 0.8, 1.5) *
                 clampd(c->threat, 0.3, 1.0);
    decay = exp(-(now_s(g) - w->touched / 1000.0) / tau);
  }
  return w->amplitude * emod * decay;
}

static double value(const m8_grid* g, const m8_wave* w) {
  return strength(g, w) * sin(2 * kPi * w->frequency * now_s(g) + w->phase);
}

static int valid(m8_grid* g, const m8_wave* w) {
  if (!(w->amplitude >= 0) || isinf(w->amplitude) || isnan(w->frequency) ||
      !isfinite(w->phase) || !(w->decay_tau > 0) || w->importance > 15) {
    g->error = "malformed wave";
    return 0;
  }
  return 1;
}

static m8_wave normalised(const m8_grid* g, const m8_wave* w) {
  m8_wave out = *w;
  out.frequency = (float)clampd(out.frequency, 0, 1000);
  while (out.phase >= kPi) out.phase -= (float)(2 * kPi);
  while (out.phase < -kPi) out.phase += (float)(2 * kPi);
  out.touched = now_ms(g);
  out.access_count = 0;
  return out;
}

/* Inserts or overwrites; M8_E_FULL when a new cell does not fit. */
static int32_t insert(m8_grid* g, uint32_t key, const m8_wave* w) {
  slot* s = find(g, key);
  if (s != NULL) {
    s->wave = *w;
    return M8_OK;
  }
  if (g->config.max_cells != 0 && g->count >= g->config.max_cells) {
    g->error = "max_cells reached";
    return M8_E_FULL;
  }
  if ((g->count + 1) * 2 > g->capacity && !grow(g)) {
    g->error = "out of memory";
    return M8_E_NOMEM;
  }
  uint64_t mask = g->capacity - 1;
  uint64_t i = hash(key) & mask;
  while (g->slots[i].used) i = (i + 1) & mask;
  g->slots[i].used = 1;
  g->slots[i].key = key;
  g->slots[i].wave = *w;
  g->count++;
  return M8_OK;
}

static void reinforce_wave(m8_grid* g, m8_wave* w, double gain) {
  double a = w->amplitude * (1.0 + gain);
  if (a > g->config.amplitude_max) a = g->config.amplitude_max;
  if (a < 0) a = 0;
  w->amplitude = (float)a;
  w->access_count++;
  w->touched = now_ms(g);
}

static int32_t naive_create(const m8_config* config, m8_grid** out) {
#if M8_NAIVE_BREAK == 6
  for (;;) {
  }
#endif
  if (config == NULL || config->struct_size < sizeof(m8_config)) {
    g_create_error = "config too short";
    return M8_E_INVALID_ARG;
  }
  m8_grid* g = calloc(1, sizeof(m8_grid));
  if (g == NULL) return M8_E_NOMEM;
  g->config = *config;
  g->capacity = 64;
  g->slots = calloc(g->capacity, sizeof(slot));
  if (g->slots == NULL) {
    free(g);
    return M8_E_NOMEM;
  }
  g->error = "no error";
  *out = g;
  return M8_OK;
}

static void naive_destroy(m8_grid* g) {
  free(g->slots);
  free(g);
}

static const char* naive_last_error(const m8_grid* g) {
  return g == NULL ? g_create_error : g->error;
}

static int32_t naive_put(m8_grid* g, m8_coord c, const m8_wave* w) {
  if (!valid(g, w)) return M8_E_INVALID_ARG;
  m8_wave n = normalised(g, w);
  return insert(g, key_of(c), &n);
}

static int32_t naive_store(m8_grid* g, m8_coord c, const m8_wave* w,
                           int32_t* outcome) {
  if (!valid(g, w)) return M8_E_INVALID_ARG;
  const m8_config* k = &g->config;
#if M8_NAIVE_BREAK != 5
  if (w->amplitude <= k->noise_floor) {
    *outcome = M8_DROPPED;
    return M8_OK;
  }
#endif
  slot* s = find(g, key_of(c));
  if (w->amplitude >= k->blanket_threshold) {
    if (s != NULL) {
      reinforce_wave(g, &s->wave, k->reinforce_gain);
      s->wave.valence = w->valence;
      s->wave.arousal = w->arousal;
      *outcome = M8_REINFORCED;
      return M8_OK;
    }
    m8_wave n = normalised(g, w);
    int32_t code = insert(g, key_of(c), &n);
    if (code == M8_OK) *outcome = M8_STORED;
    return code;
  }
  if (s != NULL) {
    *outcome = M8_DROPPED;
    return M8_OK;
  }
  m8_wave n = normalised(g, w);
  n.decay_tau = 0.5f;
  int32_t code = insert(g, key_of(c), &n);
  if (code == M8_OK) *outcome = M8_TEMPORARY;
  return code;
}

static int32_t naive_recall(const m8_grid* g, m8_coord c, m8_wave* out) {
#if M8_NAIVE_BREAK == 4
  if (c.x == 17) *(volatile int*)0 = 1;
#endif
  const slot* s = find(g, key_of(c));
  if (s == NULL) return M8_NOT_FOUND;
  *out = s->wave;
  return M8_OK;
}

static int32_t naive_reinforce(m8_grid* g, m8_coord c, float gain) {
  slot* s = find(g, key_of(c));
  if (s == NULL) return M8_NOT_FOUND;
  reinforce_wave(g, &s->wave, gain);
  return M8_OK;
}

static int32_t naive_forget(m8_grid* g, m8_coord c) {
  slot* s = find(g, key_of(c));
  if (s == NULL) return M8_NOT_FOUND;
  erase(g, s);
  return M8_OK;
}

static uint64_t naive_size(const m8_grid* g) { return g->count; }

static int32_t naive_interference(const m8_grid* g, m8_coord c, double* out) {
  const int limits[3] = {255, 255, 65535};
  double sum = 0;
  for (int dx = -1; dx <= 1; ++dx) {
    for (int dy = -1; dy <= 1; ++dy) {
      for (int dz = -1; dz <= 1; ++dz) {
        int n[3] = {c.x + dx, c.y + dy, c.z + dz};
        int outside = 0;
        for (int i = 0; i < 3; ++i) {
          if (n[i] < 0 || n[i] > limits[i]) {
            outside = 1;
            n[i] = n[i] < 0 ? 0 : limits[i];
          }
        }
        if (outside && g->config.edge_policy == M8_EDGE_SKIP) continue;
        m8_coord nc = {(uint8_t)n[0], (uint8_t)n[1], (uint16_t)n[2]};
        const slot* s = find(g, key_of(nc));
        if (s == NULL) continue;
        sum += value(g, &s->wave) / (1 + sqrt(dx * dx + dy * dy + dz * dz));
      }
    }
  }
  *out = sum;
  return M8_OK;
}

static int32_t naive_advance_time(m8_grid* g, int64_t dt_ns,
                                  m8_decay_stats* out) {
  if (dt_ns > 0) {
    int64_t limit = (int64_t)UINT32_MAX * 1000000;
    g->now_ns = dt_ns > limit - g->now_ns ? limit : g->now_ns + dt_ns;
  }
  out->scanned = g->count;
  out->evicted = 0;
  for (uint64_t i = 0; i < g->capacity;) {
    slot* s = &g->slots[i];
    if (s->used && s->wave.importance < 15 &&
        strength(g, &s->wave) < g->config.active_threshold) {
      erase(g, s); /* a later cell may have moved into slot i */
      out->evicted++;
      continue;
    }
    ++i;
  }
  return M8_OK;
}

typedef struct hit {
  uint32_t key;
  m8_wave wave;
  double score;
} hit;

static int by_score_then_key(const void* a, const void* b) {
  const hit* x = a;
  const hit* y = b;
  if (x->score != y->score) return x->score > y->score ? -1 : 1;
  return x->key < y->key ? -1 : x->key > y->key;
}

static int by_key(const void* a, const void* b) {
  const hit* x = a;
  const hit* y = b;
  return x->key < y->key ? -1 : x->key > y->key;
}

static int32_t naive_resonance(const m8_grid* g, const m8_resonance_query* q,
                               m8_cell_sink sink, void* context) {
  hit* hits = malloc((g->count + 1) * sizeof(hit));
  if (hits == NULL) return M8_E_NOMEM;
  uint64_t n = 0;
  for (uint64_t i = 0; i < g->capacity; ++i) {
    const slot* s = &g->slots[i];
    if (!s->used) continue;
    double distance = fabs((double)s->wave.frequency - q->frequency);
    if (!(distance <= q->bandwidth)) continue;
    double str = strength(g, &s->wave);
    if (str < q->min_strength) continue;
    double score = str * exp(-distance / q->bandwidth);
    if (q->has_target_valence || q->has_target_arousal) {
      double dv = q->has_target_valence
                      ? s->wave.valence / 127.0 - q->target_valence
                      : 0.0;
      double da = q->has_target_arousal
                      ? s->wave.arousal / 255.0 - q->target_arousal
                      : 0.0;
      score *= 1 - (fabs(dv) + fabs(da)) / 4;
    }
    hits[n].key = s->key;
    hits[n].wave = s->wave;
    hits[n].score = score;
    n++;
  }
  qsort(hits, n, sizeof(hit), by_score_then_key);
  if (q->k != 0 && n > q->k) n = q->k;
  for (uint64_t i = 0; i < n; ++i) {
    sink(context, coord_of(hits[i].key), &hits[i].wave, hits[i].score);
  }
  free(hits);
  return M8_OK;
}

static int32_t naive_region(const m8_grid* g, uint8_t cx, uint8_t cy,
                            double radius, uint16_t z_min, uint16_t z_max,
                            m8_cell_sink sink, void* context) {
  hit* cells = malloc((g->count + 1) * sizeof(hit));
  if (cells == NULL) return M8_E_NOMEM;
  uint64_t n = 0;
  for (uint64_t i = 0; i < g->capacity; ++i) {
    const slot* s = &g->slots[i];
    if (!s->used) continue;
    m8_coord c = coord_of(s->key);
    double dx = (double)c.x - cx;
    double dy = (double)c.y - cy;
    if (dx * dx + dy * dy <= radius * radius && c.z >= z_min &&
        c.z <= z_max) {
      cells[n].key = s->key;
      cells[n].wave = s->wave;
      cells[n].score = 0;
      n++;
    }
  }
  qsort(cells, n, sizeof(hit), by_key);
  for (uint64_t i = 0; i < n; ++i) {
    sink(context, coord_of(cells[i].key), &cells[i].wave, 0);
  }
  free(cells);
  return M8_OK;
}

static int32_t naive_layer_scan(const m8_grid* g, uint16_t z,
                                m8_layer_sum* out) {
  out->sum = 0;
  out->count = 0;
  for (uint64_t i = 0; i < g->capacity; ++i) {
    const slot* s = &g->slots[i];
    if (!s->used || coord_of(s->key).z != z) continue;
    out->sum += value(g, &s->wave);
    out->count++;
  }
  return M8_OK;
}

static const m8_backend_v1 kTable = {
    sizeof(m8_backend_v1),
#if M8_NAIVE_BREAK == 1
    2,
#else
    M8_BACKEND_ABI_MAJOR,
#endif
    M8_BACKEND_ABI_MINOR,
    "naive-c",
    "1.0",
    M8_CAP_INTERFERENCE | M8_CAP_ADVANCE_TIME | M8_CAP_RESONANCE |
        M8_CAP_REGION | M8_CAP_LAYER_SCAN,
    naive_create,
    naive_destroy,
    naive_last_error,
    naive_store,
    naive_put,
#if M8_NAIVE_BREAK == 2
    NULL,
#else
    naive_recall,
#endif
    naive_reinforce,
    naive_forget,
    naive_size,
    naive_interference,
    naive_advance_time,
#if M8_NAIVE_BREAK == 3
    NULL,
#else
    naive_resonance,
#endif
    naive_region,
    naive_layer_scan,
};

#if M8_NAIVE_BREAK == 7
#define m8_backend_entry m8_backend_entry_misspelt
#endif
EXPORT int32_t m8_backend_entry(uint32_t host_abi_major,
                                uint32_t host_abi_minor,
                                const m8_backend_v1** out) {
  (void)host_abi_minor;
  if (host_abi_major != M8_BACKEND_ABI_MAJOR) return M8_E_ABI_MISMATCH;
  *out = &kTable;
  return M8_OK;
}
