#include "bench/support/c_backend.h"

#include <dlfcn.h>
#include <signal.h>
#include <sys/stat.h>
#include <ucontext.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <cstddef>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "bench/support/signal_write.h"

namespace m8::bench {
namespace {

static_assert(sizeof(m8_wave) == sizeof(Wave));
static_assert(offsetof(m8_wave, touched) == offsetof(Wave, touched));
static_assert(offsetof(m8_wave, valence) == offsetof(Wave, valence));
static_assert(offsetof(m8_wave, tag) == offsetof(Wave, tag));

// The table of interface 1.0 ends with layer_scan.
constexpr size_t kV1_0Size =
    offsetof(m8_backend_v1, layer_scan) + sizeof(m8_backend_v1::layer_scan);

const CBackendLibrary* g_loaded = nullptr;

absl::Status Refuse(const std::string& path, absl::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat("--m8_backend=", path, ": ", problem));
}

// A name or version the library gave: text of sane length, or why not.
std::string CheckText(const char* text, const char* field) {
  if (text == nullptr) return absl::StrCat(field, " is NULL");
  const size_t n = strnlen(text, 257);
  if (n == 0 || n > 256) {
    return absl::StrCat(field, " is empty or longer than 256 bytes");
  }
  for (size_t i = 0; i < n; ++i) {
    if (!absl::ascii_isprint(static_cast<unsigned char>(text[i]))) {
      return absl::StrCat(field, " is not printable text");
    }
  }
  return "";
}

// The field of the loaded table whose function starts closest below `pc`,
// or null.
const char* NearestEntry(const void* pc) {
  if (g_loaded == nullptr || pc == nullptr) return nullptr;
  const m8_backend_v1& t = g_loaded->table();
  const std::pair<const void*, const char*> entries[] = {
      {reinterpret_cast<const void*>(t.create), "create"},
      {reinterpret_cast<const void*>(t.destroy), "destroy"},
      {reinterpret_cast<const void*>(t.last_error), "last_error"},
      {reinterpret_cast<const void*>(t.store), "store"},
      {reinterpret_cast<const void*>(t.put), "put"},
      {reinterpret_cast<const void*>(t.recall), "recall"},
      {reinterpret_cast<const void*>(t.reinforce), "reinforce"},
      {reinterpret_cast<const void*>(t.forget), "forget"},
      {reinterpret_cast<const void*>(t.size), "size"},
      {reinterpret_cast<const void*>(t.interference), "interference"},
      {reinterpret_cast<const void*>(t.advance_time), "advance_time"},
      {reinterpret_cast<const void*>(t.resonance), "resonance"},
      {reinterpret_cast<const void*>(t.region), "region"},
      {reinterpret_cast<const void*>(t.layer_scan), "layer_scan"},
  };
  const auto at = reinterpret_cast<uintptr_t>(pc);
  const char* best = nullptr;
  uintptr_t best_start = 0;
  for (const auto& [start, name] : entries) {
    const auto s = reinterpret_cast<uintptr_t>(start);
    if (start != nullptr && s <= at && s >= best_start) {
      best = name;
      best_start = s;
    }
  }
  return best;
}

// The crash handler: one line naming the library and the function the
// fault happened in, then exit code 2. Only async-signal-safe calls, but
// dladdr (the process is ending either way).
void OnCrash(int signal, siginfo_t*, void* context) {
  const void* pc = nullptr;
#if defined(__x86_64__)
  pc = reinterpret_cast<const void*>(
      static_cast<ucontext_t*>(context)->uc_mcontext.gregs[REG_RIP]);
#elif defined(__aarch64__)
  pc = reinterpret_cast<const void*>(
      static_cast<ucontext_t*>(context)->uc_mcontext.pc);
#endif
  Dl_info where{};
  const bool found = pc != nullptr && dladdr(pc, &where) != 0;
  WriteStderr("m8bench: --m8_backend=");
  WriteStderr(g_loaded != nullptr ? g_loaded->path().c_str() : "?");
  WriteStderr(": crashed with ");
  WriteStderr(strsignal(signal));
  if (found && where.dli_sname != nullptr) {
    WriteStderr(" in ");
    WriteStderr(where.dli_sname);
  } else if (const char* entry = NearestEntry(pc); entry != nullptr) {
    // A function the library does not export: name the entry point of its
    // table that the fault follows most closely.
    WriteStderr(" near m8_backend_v1.");
    WriteStderr(entry);
  }
  if (found && where.dli_fname != nullptr) {
    WriteStderr(" (");
    WriteStderr(where.dli_fname);
    WriteStderr(")");
  }
  WriteStderr("\n");
  _exit(2);
}

void InstallCrashHandler() {
  struct sigaction action {};
  action.sa_sigaction = OnCrash;
  action.sa_flags = SA_SIGINFO | SA_RESETHAND;
  sigemptyset(&action.sa_mask);
  for (int signal : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) {
    sigaction(signal, &action, nullptr);
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<CBackendLibrary>> CBackendLibrary::Load(
    const std::string& path) {
  if (path.empty()) return Refuse(path, "an empty path");
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return Refuse(path, strerror(errno));
  if (!S_ISREG(st.st_mode)) return Refuse(path, "is not a regular file");
  // dlopen searches the library path for a name without a '/', never the
  // current directory: a name given is a file here.
  const std::string file =
      path.find('/') == std::string::npos ? absl::StrCat("./", path) : path;
  dlerror();
  void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* error = dlerror();
    return Refuse(path, absl::StrCat("cannot be loaded: ",
                                     error != nullptr ? error : "dlopen failed",
                                     " (is it a shared library built for "
                                     "this machine?)"));
  }
  dlerror();
  void* symbol = dlsym(handle, "m8_backend_entry");
  if (dlerror() != nullptr || symbol == nullptr) {
    dlclose(handle);
    return Refuse(path,
                  "does not export m8_backend_entry (declared extern \"C\" "
                  "with default visibility?)");
  }
  const m8_backend_v1* table = nullptr;
  const int32_t code = reinterpret_cast<m8_backend_entry_fn>(symbol)(
      M8_BACKEND_ABI_MAJOR, M8_BACKEND_ABI_MINOR, &table);
  auto refuse = [&](absl::string_view problem) {
    dlclose(handle);
    return Refuse(path, problem);
  };
  const std::string ours =
      absl::StrCat(M8_BACKEND_ABI_MAJOR, ".", M8_BACKEND_ABI_MINOR);
  if (code == M8_E_ABI_MISMATCH) {
    return refuse(absl::StrCat("m8_backend_entry refused C interface ", ours,
                               " (the library was built for another "
                               "version)"));
  }
  if (code != M8_OK) {
    return refuse(absl::StrCat("m8_backend_entry returned ", code));
  }
  if (table == nullptr) return refuse("m8_backend_entry returned no table");
  if (table->abi_major != M8_BACKEND_ABI_MAJOR) {
    return refuse(absl::StrCat("the library speaks C interface ",
                               table->abi_major, ".", table->abi_minor,
                               ", this m8bench speaks ", ours));
  }
  if (table->struct_size < kV1_0Size) {
    return refuse(absl::StrCat("its m8_backend_v1 is ", table->struct_size,
                               " bytes, interface 1.0 needs ", kV1_0Size));
  }
  for (const auto& [text, field] :
       {std::pair{table->name, "name"}, std::pair{table->version, "version"}}) {
    if (std::string problem = CheckText(text, field); !problem.empty()) {
      return refuse(absl::StrCat("m8_backend_v1.", problem));
    }
  }
  const std::pair<const void*, const char*> required[] = {
      {reinterpret_cast<const void*>(table->create), "create"},
      {reinterpret_cast<const void*>(table->destroy), "destroy"},
      {reinterpret_cast<const void*>(table->last_error), "last_error"},
      {reinterpret_cast<const void*>(table->store), "store"},
      {reinterpret_cast<const void*>(table->put), "put"},
      {reinterpret_cast<const void*>(table->recall), "recall"},
      {reinterpret_cast<const void*>(table->reinforce), "reinforce"},
      {reinterpret_cast<const void*>(table->forget), "forget"},
      {reinterpret_cast<const void*>(table->size), "size"},
  };
  for (const auto& [pointer, field] : required) {
    if (pointer == nullptr) {
      return refuse(absl::StrCat("m8_backend_v1.", field,
                                 " is NULL (a required operation)"));
    }
  }
  const struct {
    uint64_t cap;
    const void* pointer;
    const char* cap_name;
    const char* field;
  } optional[] = {
      {M8_CAP_INTERFERENCE, reinterpret_cast<const void*>(table->interference),
       "M8_CAP_INTERFERENCE", "interference"},
      {M8_CAP_ADVANCE_TIME, reinterpret_cast<const void*>(table->advance_time),
       "M8_CAP_ADVANCE_TIME", "advance_time"},
      {M8_CAP_RESONANCE, reinterpret_cast<const void*>(table->resonance),
       "M8_CAP_RESONANCE", "resonance"},
      {M8_CAP_REGION, reinterpret_cast<const void*>(table->region),
       "M8_CAP_REGION", "region"},
      {M8_CAP_LAYER_SCAN, reinterpret_cast<const void*>(table->layer_scan),
       "M8_CAP_LAYER_SCAN", "layer_scan"},
  };
  uint64_t known = 0;
  for (const auto& o : optional) {
    known |= o.cap;
    const bool declared = (table->caps & o.cap) != 0;
    if (declared != (o.pointer != nullptr)) {
      return refuse(absl::StrCat(declared ? "declares " : "does not declare ",
                                 o.cap_name, " but ", o.field,
                                 declared ? " is NULL" : " is set"));
    }
  }
  if ((table->caps & ~known) != 0) {
    return refuse(absl::StrCat("caps has bits this m8bench does not know: 0x",
                               absl::Hex(table->caps & ~known)));
  }
  return std::unique_ptr<CBackendLibrary>(
      new CBackendLibrary(path, handle, table));
}

std::string CBackendLibrary::abi() const {
  return absl::StrCat(table_->abi_major, ".", table_->abi_minor);
}

BackendInfo CBackendLibrary::info() const {
  return BackendInfo{table_->name, table_->version, "c_abi", path_};
}

bool CBackendLibrary::Supports(BackendOperation op) const {
  switch (op) {
    case BackendOperation::kInterference:
      return (table_->caps & M8_CAP_INTERFERENCE) != 0;
    case BackendOperation::kAdvanceTime:
      return (table_->caps & M8_CAP_ADVANCE_TIME) != 0;
    case BackendOperation::kResonance:
      return (table_->caps & M8_CAP_RESONANCE) != 0;
    case BackendOperation::kRegion:
      return (table_->caps & M8_CAP_REGION) != 0;
    case BackendOperation::kLayerScan:
      return (table_->caps & M8_CAP_LAYER_SCAN) != 0;
    case BackendOperation::kSnapshot:
      return false;  // Not part of C interface 1.0.
  }
  return false;
}

absl::Status LoadCBackend(const std::string& path) {
  absl::StatusOr<std::unique_ptr<CBackendLibrary>> library =
      CBackendLibrary::Load(path);
  if (!library.ok()) return library.status();
  g_loaded = library->release();
  InstallCrashHandler();
  return absl::OkStatus();
}

const CBackendLibrary* LoadedCBackend() { return g_loaded; }

// ---- CGrid
// -------------------------------------------------------------------

absl::StatusOr<CGrid> CGrid::Create(const GridOptions& options) {
  if (g_loaded == nullptr) {
    return absl::FailedPreconditionError(
        "no C-interface backend is loaded (--m8_backend=PATH.so)");
  }
  if (absl::Status s = options.Validate(); !s.ok()) return s;
  const m8_backend_v1& lib = g_loaded->table();
  m8_config config{};
  config.struct_size = sizeof(m8_config);
  config.edge_policy =
      options.edge_policy == EdgePolicy::kSkip ? M8_EDGE_SKIP : M8_EDGE_CLAMP;
  config.alpha = options.alpha;
  config.beta = options.beta;
  config.noise_floor = options.noise_floor;
  config.blanket_threshold = options.blanket_threshold;
  config.active_threshold = options.active_threshold;
  config.reinforce_gain = options.reinforce_gain;
  config.amplitude_max = options.amplitude_max;
  config.relevance = options.relevance;
  config.familiarity = options.familiarity;
  config.threat = options.threat;
  config.max_cells = options.max_cells;
  m8_grid* grid = nullptr;
  const int32_t code = lib.create(&config, &grid);
  if (code != M8_OK || grid == nullptr) {
    const char* error = lib.last_error(nullptr);
    return absl::InvalidArgumentError(
        absl::StrCat("--m8_backend=", g_loaded->path(), ": create failed (",
                     code, "): ", error != nullptr ? error : "no message"));
  }
  return CGrid(&lib, grid);
}

CGrid::~CGrid() {
  if (grid_ != nullptr) lib_->destroy(grid_);
}

Wave CGrid::FromC(const m8_wave& w) { return std::bit_cast<Wave>(w); }
m8_wave CGrid::ToC(const Wave& w) { return std::bit_cast<m8_wave>(w); }

absl::Status CGrid::Error(int32_t code, const char* operation) const {
  const char* text = lib_->last_error(grid_);
  const std::string message =
      absl::StrCat(lib_->name, ": ", operation, ": ",
                   text != nullptr ? text : "no message", " (", code, ")");
  switch (code) {
    case M8_E_INVALID_ARG:
      return absl::InvalidArgumentError(message);
    case M8_E_FULL:
      return absl::ResourceExhaustedError(message);
    case M8_E_NOMEM:
      return absl::ResourceExhaustedError(message);
    case M8_E_UNSUPPORTED:
      return absl::UnimplementedError(message);
    default:
      return absl::InternalError(message);
  }
}

absl::StatusOr<StoreOutcome> CGrid::Store(Coord c, const Wave& w) {
  const m8_wave wave = ToC(w);
  int32_t outcome = -1;
  const int32_t code = lib_->store(grid_, ToC(c), &wave, &outcome);
  if (code != M8_OK) return Error(code, "store");
  switch (outcome) {
    case M8_STORED:
      return StoreOutcome::kStored;
    case M8_REINFORCED:
      return StoreOutcome::kReinforced;
    case M8_TEMPORARY:
      return StoreOutcome::kTemporary;
    case M8_DROPPED:
      return StoreOutcome::kDropped;
  }
  return absl::InternalError(absl::StrCat(
      lib_->name, ": store returned the unknown outcome ", outcome));
}

absl::Status CGrid::Put(Coord c, const Wave& w) {
  const m8_wave wave = ToC(w);
  const int32_t code = lib_->put(grid_, ToC(c), &wave);
  return code == M8_OK ? absl::OkStatus() : Error(code, "put");
}

double CGrid::Interference(Coord c) const {
  double out = 0;
  if (lib_->interference(grid_, ToC(c), &out) != M8_OK) return std::nan("");
  return out;
}

DecayStats CGrid::AdvanceTime(absl::Duration dt) {
  m8_decay_stats stats{};
  lib_->advance_time(grid_, absl::ToInt64Nanoseconds(dt), &stats);
  return DecayStats{static_cast<size_t>(stats.scanned),
                    static_cast<size_t>(stats.evicted)};
}

std::vector<ResonanceHit> CGrid::Resonance(const ResonanceQuery& q) const {
  m8_resonance_query query{};
  query.frequency = q.frequency;
  query.bandwidth = q.bandwidth;
  query.min_strength = q.min_strength;
  query.k = static_cast<uint32_t>(q.k);
  query.has_target_valence = q.target_valence.has_value();
  query.has_target_arousal = q.target_arousal.has_value();
  query.target_valence = q.target_valence.value_or(0.0f);
  query.target_arousal = q.target_arousal.value_or(0.0f);
  std::vector<ResonanceHit> hits;
  lib_->resonance(
      grid_, &query,
      [](void* context, m8_coord c, const m8_wave* w, double score) {
        static_cast<std::vector<ResonanceHit>*>(context)->push_back(
            ResonanceHit{Coord{c.x, c.y, c.z}, FromC(*w), score});
      },
      &hits);
  return hits;
}

std::vector<std::pair<Coord, Wave>> CGrid::Region(uint8_t cx, uint8_t cy,
                                                  double radius, uint16_t z_min,
                                                  uint16_t z_max) const {
  std::vector<std::pair<Coord, Wave>> cells;
  lib_->region(
      grid_, cx, cy, radius, z_min, z_max,
      [](void* context, m8_coord c, const m8_wave* w, double) {
        static_cast<std::vector<std::pair<Coord, Wave>>*>(context)
            ->emplace_back(Coord{c.x, c.y, c.z}, FromC(*w));
      },
      &cells);
  return cells;
}

LayerSum CGrid::LayerScan(uint16_t z) const {
  m8_layer_sum sum{};
  lib_->layer_scan(grid_, z, &sum);
  return LayerSum{sum.sum, static_cast<size_t>(sum.count)};
}

bool CGrid::Supports(BackendOperation op) const {
  return g_loaded != nullptr && g_loaded->Supports(op);
}

}  // namespace m8::bench
