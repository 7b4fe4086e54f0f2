#include "grid/snapshot.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <bit>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>

#include "absl/strings/str_cat.h"
#include "grid/wave_model.h"

namespace m8 {
namespace {

static_assert(std::endian::native == std::endian::little,
              "snapshot encoding assumes a little-endian host");

constexpr unsigned char kMagic[8] = {0x89, 'M', '8', 'G', 'R', 'I', 'D', '\n'};
constexpr size_t kBufferBytes = size_t{1} << 20;

// Fixed-width little-endian encoding into a byte cursor.
class Encoder {
 public:
  explicit Encoder(unsigned char* p) : p_(p) {}
  template <typename T>
  void Put(T v) {
    std::memcpy(p_, &v, sizeof(T));
    p_ += sizeof(T);
  }
  void Skip(size_t n) {
    std::memset(p_, 0, n);
    p_ += n;
  }
  unsigned char* position() const { return p_; }

 private:
  unsigned char* p_;
};

class Decoder {
 public:
  explicit Decoder(const unsigned char* p) : p_(p) {}
  template <typename T>
  T Get() {
    T v;
    std::memcpy(&v, p_, sizeof(T));
    p_ += sizeof(T);
    return v;
  }
  void Skip(size_t n) { p_ += n; }

 private:
  const unsigned char* p_;
};

void EncodeRecord(uint32_t key, const Wave& w, unsigned char* out) {
  Encoder e(out);
  e.Put(key);
  e.Put(w.amplitude);
  e.Put(w.frequency);
  e.Put(w.phase);
  e.Put(w.decay_tau);
  e.Put(w.touched);
  e.Put(w.access_count);
  e.Put(w.valence);
  e.Put(w.arousal);
  e.Put(w.importance);
  e.Put(w.kind);
  e.Put(w.tag);
}

uint32_t DecodeRecord(const unsigned char* in, Wave* w) {
  Decoder d(in);
  const auto key = d.Get<uint32_t>();
  w->amplitude = d.Get<float>();
  w->frequency = d.Get<float>();
  w->phase = d.Get<float>();
  w->decay_tau = d.Get<float>();
  w->touched = d.Get<uint32_t>();
  w->access_count = d.Get<uint32_t>();
  w->valence = d.Get<int8_t>();
  w->arousal = d.Get<uint8_t>();
  w->importance = d.Get<uint8_t>();
  w->kind = d.Get<uint8_t>();
  w->tag = d.Get<uint32_t>();
  return key;
}

void EncodeHeader(const SnapshotHeader& h, unsigned char* out) {
  Encoder e(out);
  for (unsigned char c : kMagic) e.Put(c);
  e.Put(kSnapshotVersion);
  e.Put(static_cast<uint32_t>(kSnapshotRecordBytes));
  e.Put(static_cast<uint32_t>(kSnapshotHeaderBytes));
  e.Skip(4);
  const GridOptions& o = h.options;
  for (double v : {o.alpha, o.beta, o.noise_floor, o.blanket_threshold,
                   o.active_threshold, o.reinforce_gain, o.amplitude_max,
                   o.relevance, o.familiarity, o.threat}) {
    e.Put(v);
  }
  e.Put(static_cast<uint64_t>(o.max_cells));
  e.Put(static_cast<uint32_t>(o.brick_edge));
  e.Put(static_cast<uint32_t>(o.frequency_buckets));
  e.Put(static_cast<uint8_t>(o.edge_policy));
  e.Skip(7);
  e.Put(absl::ToInt64Nanoseconds(h.now));
  e.Put(h.cell_count);
}

absl::Status Errno(const std::string& path, const char* what) {
  const int err = errno;
  const std::string message =
      absl::StrCat("grid snapshot ", path, ": ", what, ": ", strerror(err));
  if (err == ENOENT) return absl::NotFoundError(message);
  if (err == EACCES || err == EPERM)
    return absl::PermissionDeniedError(message);
  return absl::UnavailableError(message);
}

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// Reads exactly `size` bytes; false on a short read or error.
bool ReadFully(int fd, void* data, size_t size) {
  auto* p = static_cast<unsigned char*>(data);
  while (size > 0) {
    const ssize_t n = ::read(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

absl::Status ValidateStoredWave(const Wave& w, uint32_t now_ms) {
  const float pi = static_cast<float>(kPi);
  if (!(std::isfinite(w.amplitude) && w.amplitude >= 0.0f)) {
    return absl::InvalidArgumentError(
        absl::StrCat("amplitude ", w.amplitude, " is not finite and >= 0"));
  }
  if (!(w.frequency >= 0.0f && w.frequency <= kMaxFrequency)) {
    return absl::InvalidArgumentError(
        absl::StrCat("frequency ", w.frequency, " is outside [0, 1000]"));
  }
  if (!(w.phase >= -pi && w.phase < pi)) {
    return absl::InvalidArgumentError(
        absl::StrCat("phase ", w.phase, " is outside [-pi, pi)"));
  }
  if (!(w.decay_tau > 0.0f)) {
    return absl::InvalidArgumentError(
        absl::StrCat("decay_tau ", w.decay_tau, " is not > 0"));
  }
  if (w.importance > kPermanentImportance) {
    return absl::InvalidArgumentError(
        absl::StrCat("importance ", w.importance, " is above 15"));
  }
  if (w.touched > now_ms) {
    return absl::InvalidArgumentError(absl::StrCat(
        "touched ", w.touched, " ms is after the grid time ", now_ms, " ms"));
  }
  return absl::OkStatus();
}

// ---- SnapshotWriter -------------------------------------------------------

SnapshotWriter::SnapshotWriter(std::string path, std::string temp_path, int fd,
                               uint64_t expected)
    : path_(std::move(path)),
      temp_path_(std::move(temp_path)),
      fd_(fd),
      expected_(expected),
      crc_(static_cast<uint32_t>(crc32(0L, Z_NULL, 0))) {
  buffer_.reserve(kBufferBytes);
}

SnapshotWriter::~SnapshotWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(temp_path_.c_str());
}

absl::StatusOr<std::unique_ptr<SnapshotWriter>> SnapshotWriter::Open(
    const std::string& path, const SnapshotHeader& header) {
  std::string temp = path + ".tmp.XXXXXX";
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) return Errno(path, "cannot create a temporary file");
  std::unique_ptr<SnapshotWriter> writer(
      new SnapshotWriter(path, temp, fd, header.cell_count));
  unsigned char bytes[kSnapshotHeaderBytes];
  EncodeHeader(header, bytes);
  if (absl::Status s = writer->Write(bytes, sizeof(bytes)); !s.ok()) return s;
  return writer;
}

absl::Status SnapshotWriter::Error(const std::string& what) const {
  return Errno(path_, what.c_str());
}

absl::Status SnapshotWriter::Write(const void* data, size_t size) {
  crc_ = static_cast<uint32_t>(
      crc32(crc_, static_cast<const Bytef*>(data), static_cast<uInt>(size)));
  const auto* p = static_cast<const unsigned char*>(data);
  buffer_.insert(buffer_.end(), p, p + size);
  if (buffer_.size() >= kBufferBytes) return Flush();
  return absl::OkStatus();
}

absl::Status SnapshotWriter::Flush() {
  const unsigned char* p = buffer_.data();
  size_t left = buffer_.size();
  while (left > 0) {
    const ssize_t n = ::write(fd_, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error("write failed");
    p += n;
    left -= static_cast<size_t>(n);
  }
  buffer_.clear();
  return absl::OkStatus();
}

absl::Status SnapshotWriter::Append(uint32_t key, const Wave& w) {
  unsigned char record[kSnapshotRecordBytes];
  EncodeRecord(key, w, record);
  ++appended_;
  return Write(record, sizeof(record));
}

absl::Status SnapshotWriter::Commit() {
  if (appended_ != expected_) {
    return absl::FailedPreconditionError(
        absl::StrCat("grid snapshot ", path_, ": ", appended_,
                     " records written, header promised ", expected_));
  }
  const uint32_t crc = crc_;
  unsigned char trailer[4];
  std::memcpy(trailer, &crc, 4);
  buffer_.insert(buffer_.end(), trailer, trailer + 4);
  if (absl::Status s = Flush(); !s.ok()) return s;
  if (::fsync(fd_) != 0) return Error("fsync failed");
  if (::close(fd_) != 0) {
    fd_ = -1;
    return Error("close failed");
  }
  fd_ = -1;
  if (::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    return Error("rename failed");
  }
  committed_ = true;
  // Make the rename itself durable.
  const int dir = ::open(DirectoryOf(path_).c_str(), O_RDONLY | O_DIRECTORY);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return absl::OkStatus();
}

// ---- ReadSnapshot ---------------------------------------------------------

absl::Status ReadSnapshot(
    const std::string& path,
    absl::FunctionRef<absl::Status(const SnapshotHeader&)> on_header,
    absl::FunctionRef<absl::Status(uint32_t key, const Wave& w)> on_record) {
  auto fail = [&path](absl::StatusCode code, const std::string& what) {
    return absl::Status(code, absl::StrCat("grid snapshot ", path, ": ", what));
  };
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno(path, "cannot open");
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st;
  if (::fstat(fd, &st) != 0) return Errno(path, "cannot stat");
  if (!S_ISREG(st.st_mode)) {
    return fail(absl::StatusCode::kInvalidArgument, "not a regular file");
  }
  const auto file_size = static_cast<uint64_t>(st.st_size);
  if (file_size == 0) return fail(absl::StatusCode::kDataLoss, "empty file");
  if (file_size < sizeof(kMagic)) {
    return fail(absl::StatusCode::kDataLoss,
                absl::StrCat("truncated: ", file_size, " bytes"));
  }

  unsigned char header_bytes[kSnapshotHeaderBytes];
  const size_t header_read =
      std::min<uint64_t>(file_size, kSnapshotHeaderBytes);
  if (!ReadFully(fd, header_bytes, header_read)) {
    return Errno(path, "read failed");
  }
  if (std::memcmp(header_bytes, kMagic, sizeof(kMagic)) != 0) {
    return fail(absl::StatusCode::kInvalidArgument,
                "not an m8 grid snapshot (bad magic)");
  }
  if (file_size < kSnapshotHeaderBytes + 4) {
    return fail(absl::StatusCode::kDataLoss,
                absl::StrCat("truncated header: ", file_size, " bytes"));
  }
  Decoder d(header_bytes + sizeof(kMagic));
  const auto version = d.Get<uint32_t>();
  if (version != kSnapshotVersion) {
    return fail(absl::StatusCode::kInvalidArgument,
                absl::StrCat("unsupported version ", version,
                             " (this build reads ", kSnapshotVersion, ")"));
  }
  const auto record_bytes = d.Get<uint32_t>();
  const auto header_bytes_declared = d.Get<uint32_t>();
  if (record_bytes != kSnapshotRecordBytes ||
      header_bytes_declared != kSnapshotHeaderBytes) {
    return fail(absl::StatusCode::kDataLoss,
                absl::StrCat("corrupt header: record size ", record_bytes,
                             ", header size ", header_bytes_declared));
  }
  d.Skip(4);
  SnapshotHeader header;
  GridOptions& o = header.options;
  for (double* v : {&o.alpha, &o.beta, &o.noise_floor, &o.blanket_threshold,
                    &o.active_threshold, &o.reinforce_gain, &o.amplitude_max,
                    &o.relevance, &o.familiarity, &o.threat}) {
    *v = d.Get<double>();
  }
  o.max_cells = static_cast<size_t>(d.Get<uint64_t>());
  o.brick_edge = static_cast<int>(d.Get<uint32_t>());
  o.frequency_buckets = static_cast<int>(d.Get<uint32_t>());
  const auto policy = d.Get<uint8_t>();
  d.Skip(7);
  const auto now_ns = d.Get<int64_t>();
  header.cell_count = d.Get<uint64_t>();

  if (policy > static_cast<uint8_t>(EdgePolicy::kSkip)) {
    return fail(absl::StatusCode::kDataLoss,
                absl::StrCat("corrupt header: edge policy ", policy));
  }
  o.edge_policy = static_cast<EdgePolicy>(policy);
  if (absl::Status s = o.Validate(); !s.ok()) {
    return fail(absl::StatusCode::kDataLoss,
                absl::StrCat("corrupt header: ", s.message()));
  }
  if (now_ns < 0 ||
      now_ns > int64_t{std::numeric_limits<uint32_t>::max()} * 1000000) {
    return fail(absl::StatusCode::kDataLoss,
                absl::StrCat("corrupt header: grid time ", now_ns, " ns"));
  }
  header.now = absl::Nanoseconds(now_ns);
  const uint64_t max_records =
      (file_size - kSnapshotHeaderBytes - 4) / kSnapshotRecordBytes;
  if (header.cell_count > max_records ||
      kSnapshotHeaderBytes + header.cell_count * kSnapshotRecordBytes + 4 !=
          file_size) {
    return fail(
        absl::StatusCode::kDataLoss,
        absl::StrCat("size mismatch: the header promises ", header.cell_count,
                     " cells (",
                     kSnapshotHeaderBytes +
                         (header.cell_count > max_records
                              ? 0
                              : header.cell_count * kSnapshotRecordBytes) +
                         4,
                     " bytes), the file has ", file_size,
                     " bytes (truncated or corrupt)"));
  }
  if (o.max_cells != 0 && header.cell_count > o.max_cells) {
    return fail(absl::StatusCode::kDataLoss,
                absl::StrCat("holds ", header.cell_count,
                             " cells, more than its max_cells ", o.max_cells));
  }
  if (absl::Status s = on_header(header); !s.ok()) return s;

  uint32_t crc = static_cast<uint32_t>(crc32(0L, Z_NULL, 0));
  crc = static_cast<uint32_t>(crc32(crc, header_bytes, kSnapshotHeaderBytes));
  const auto now_ms = static_cast<uint32_t>(now_ns / 1000000);
  absl::Status record_error;
  std::vector<unsigned char> chunk(kSnapshotRecordBytes * 16384);
  uint64_t left = header.cell_count;
  uint64_t index = 0;
  while (left > 0) {
    const uint64_t n = std::min<uint64_t>(left, 16384);
    const size_t bytes = n * kSnapshotRecordBytes;
    if (!ReadFully(fd, chunk.data(), bytes)) {
      return fail(absl::StatusCode::kDataLoss, "truncated while reading cells");
    }
    crc = static_cast<uint32_t>(
        crc32(crc, chunk.data(), static_cast<uInt>(bytes)));
    for (uint64_t i = 0; i < n && record_error.ok(); ++i, ++index) {
      Wave w;
      const uint32_t key =
          DecodeRecord(chunk.data() + i * kSnapshotRecordBytes, &w);
      absl::Status s = ValidateStoredWave(w, now_ms);
      if (s.ok()) s = on_record(key, w);
      if (!s.ok()) {
        record_error = fail(
            absl::StatusCode::kDataLoss,
            absl::StrCat("cell ", index, " (key ", key, "): ", s.message()));
      }
    }
    left -= n;
  }
  uint32_t stored_crc;
  if (!ReadFully(fd, &stored_crc, 4)) {
    return fail(absl::StatusCode::kDataLoss, "truncated before the checksum");
  }
  if (stored_crc != crc) {
    return fail(absl::StatusCode::kDataLoss,
                absl::StrCat("checksum mismatch (stored ", stored_crc,
                             ", computed ", crc, "): the file is corrupt"));
  }
  return record_error;
}

}  // namespace m8
