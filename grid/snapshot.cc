#include "grid/snapshot.h"

#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

#include "absl/strings/str_cat.h"
#include "grid/coord.h"
#include "grid/internal/posix_file.h"
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

std::string Context(const std::string& path) {
  return absl::StrCat("grid snapshot ", path);
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

SnapshotWriter::SnapshotWriter(std::string path, std::string temp_path,
                               internal::ScopedFd fd, uint64_t expected)
    : path_(std::move(path)),
      temp_path_(std::move(temp_path)),
      fd_(std::move(fd)),
      expected_(expected),
      crc_(static_cast<uint32_t>(crc32(0L, Z_NULL, 0))) {
  buffer_.reserve(kBufferBytes);
}

SnapshotWriter::~SnapshotWriter() {
  fd_.Close();
  if (!committed_) ::unlink(temp_path_.c_str());
}

absl::StatusOr<std::unique_ptr<SnapshotWriter>> SnapshotWriter::Open(
    const std::string& path, const SnapshotHeader& header) {
  auto temp = internal::CreateTempBeside(path, Context(path));
  if (!temp.ok()) return temp.status();
  std::unique_ptr<SnapshotWriter> writer(
      new SnapshotWriter(path, std::move(temp->second), std::move(temp->first),
                         header.cell_count));
  unsigned char bytes[kSnapshotHeaderBytes];
  EncodeHeader(header, bytes);
  if (absl::Status s = writer->Write(bytes, sizeof(bytes)); !s.ok()) return s;
  return writer;
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
  absl::Status s = internal::WriteAll(fd_.get(), buffer_.data(), buffer_.size(),
                                      Context(path_));
  buffer_.clear();
  return s;
}

absl::Status SnapshotWriter::Append(uint32_t key, const Wave& w) {
  unsigned char record[kSnapshotRecordBytes];
  EncodeRecord(key, w, record);
  ++appended_;
  return Write(record, sizeof(record));
}

absl::Status SnapshotWriter::Commit() {
  const std::string context = Context(path_);
  if (appended_ != expected_) {
    return absl::FailedPreconditionError(
        absl::StrCat(context, ": ", appended_,
                     " records written, header promised ", expected_));
  }
  const uint32_t crc = crc_;
  unsigned char trailer[4];
  std::memcpy(trailer, &crc, 4);
  buffer_.insert(buffer_.end(), trailer, trailer + 4);
  if (absl::Status s = Flush(); !s.ok()) return s;
  if (::fsync(fd_.get()) != 0) {
    return internal::ErrnoStatus(errno, context, "fsync failed");
  }
  if (const int err = fd_.Close(); err != 0) {
    return internal::ErrnoStatus(err, context, "close failed");
  }
  if (::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    return internal::ErrnoStatus(errno, context, "rename failed");
  }
  committed_ = true;
  // The new snapshot is in place; unless the directory reaches the disk too,
  // a crash may bring the old one back.
  return internal::SyncDirectoryOf(path_, context);
}

// ---- ReadSnapshot ---------------------------------------------------------

absl::Status ReadSnapshot(
    const std::string& path,
    absl::FunctionRef<absl::Status(const SnapshotHeader&)> on_header,
    absl::FunctionRef<absl::Status(uint32_t key, const Wave& w)> on_record) {
  auto fail = [&path](absl::StatusCode code, const std::string& what) {
    return absl::Status(code, absl::StrCat(Context(path), ": ", what));
  };
  const std::string context = Context(path);
  absl::StatusOr<internal::RegularFile> file =
      internal::OpenRegularFile(path, context);
  if (!file.ok()) return file.status();
  const int fd = file->fd.get();
  const uint64_t file_size = file->size;
  if (file_size == 0) return fail(absl::StatusCode::kDataLoss, "empty file");
  if (file_size < sizeof(kMagic)) {
    return fail(absl::StatusCode::kDataLoss,
                absl::StrCat("truncated: ", file_size, " bytes"));
  }
  // Reads exactly `size` bytes of `what`: a read error carries its errno; a
  // file that ends early (it shrank after it was opened) is DataLoss.
  auto read_exactly = [&](void* data, size_t size,
                          absl::string_view what) -> absl::Status {
    absl::StatusOr<size_t> n = internal::ReadUpTo(fd, data, size, context);
    if (!n.ok()) return n.status();
    if (*n == size) return absl::OkStatus();
    return fail(absl::StatusCode::kDataLoss,
                absl::StrCat("truncated while reading ", what, ": ", *n, " of ",
                             size, " bytes"));
  };

  unsigned char header_bytes[kSnapshotHeaderBytes];
  const size_t header_read =
      std::min<uint64_t>(file_size, kSnapshotHeaderBytes);
  if (absl::Status s = read_exactly(header_bytes, header_read, "the header");
      !s.ok()) {
    return s;
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
  if (header.cell_count > kAddressSpaceCells) {
    return fail(absl::StatusCode::kDataLoss,
                absl::StrCat("holds ", header.cell_count,
                             " cells, more than the grid has coordinates"));
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
    if (absl::Status s = read_exactly(chunk.data(), bytes, "the cells");
        !s.ok()) {
      return s;
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
  if (absl::Status s = read_exactly(&stored_crc, 4, "the checksum"); !s.ok()) {
    return s;
  }
  if (stored_crc != crc) {
    return fail(absl::StatusCode::kDataLoss,
                absl::StrCat("checksum mismatch (stored ", stored_crc,
                             ", computed ", crc, "): the file is corrupt"));
  }
  return record_error;
}

}  // namespace m8
