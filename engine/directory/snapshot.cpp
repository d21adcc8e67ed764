// The compiled snapshot (snapshot.hpp): a header, then every field of the Directory in a flat
// binary form, each struct's fields listed once (fields() below) for writing and reading alike.
//
// Layout: "NRMSNAP" '\0', u32 format version, u32 zero, the 32-digit key, u64 payload size, u64
// XXH3-64 of the payload, the payload. Integers little-endian as the machine has them (the key
// includes the executable, so a snapshot is only ever read by the build that wrote it).
#include "directory/snapshot.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include "directory/loader.hpp"
#include "directory/travel_loader.hpp"

namespace nrm {

namespace fs = std::filesystem;

// Bump when the layout changes. Every field of every struct below is in fields(); the sizes
// asserted here make adding a field to the model without adding it here a compile error.
constexpr std::uint32_t kFormatVersion = 1;
#if defined(__x86_64__) && defined(__GLIBCXX__) && !defined(_GLIBCXX_DEBUG)
static_assert(sizeof(Provider) == 376 && sizeof(Community) == 184 && sizeof(AirRoute) == 64 &&
                  sizeof(RoadSegment) == 96 && sizeof(Ferry) == 80 && sizeof(Fallback) == 360 &&
                  sizeof(Code) == 136 && sizeof(NeedCode) == 208 && sizeof(LanguageCode) == 144 &&
                  sizeof(IntakeHours) == 32 && sizeof(Taxonomy) == 624 && sizeof(Geography) == 144,
              "a model struct changed: list the new field in snapshot.cpp's fields() and bump kFormatVersion");
#endif

constexpr char kMagic[8] = {'N', 'R', 'M', 'S', 'N', 'A', 'P', '\0'};
constexpr std::size_t kKeyDigits = 32;
constexpr std::size_t kHeaderBytes = sizeof kMagic + 4 + 4 + kKeyDigits + 8 + 8;
constexpr const char* kSuffix = ".nrmsnap";

const char* snapshot_kind_name(SnapshotUse::Kind k) {
  switch (k) {
    case SnapshotUse::Kind::kOff: return "off";
    case SnapshotUse::Kind::kRead: return "read";
    case SnapshotUse::Kind::kWritten: return "written";
    case SnapshotUse::Kind::kRebuilt: return "rebuilt";
    case SnapshotUse::Kind::kUnwritable: return "unwritable";
  }
  return "?";
}

namespace {

struct Corrupt : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The last enumerator of each enum stored, so that a read value out of range is refused.
constexpr Delivery enum_last(Delivery) { return Delivery::kBoth; }
constexpr RoadClass enum_last(RoadClass) { return RoadClass::kGravel; }
constexpr IntakeHours::Kind enum_last(IntakeHours::Kind) { return IntakeHours::Kind::kWeekly; }
constexpr NeedCode::Enables enum_last(NeedCode::Enables) { return NeedCode::Enables::kInterpretation; }

// The archives: Writer appends every value to a byte string, Reader reads them back, refusing
// (Corrupt) anything out of bounds. A struct is written by fields(archive, struct), found by
// argument-dependent lookup once every overload below is declared.
// Asks for transparent huge pages on a large block about to be filled (the providers, 19 MB at
// 50,000): a few faults instead of one per 4 KiB page, a third of a snapshot's load. Advisory.
void huge_pages(const void* data, std::size_t bytes) {
  constexpr std::uintptr_t kHuge = std::uintptr_t{2} << 20;
  if (bytes < 2 * kHuge) return;
  const auto begin = (reinterpret_cast<std::uintptr_t>(data) + kHuge - 1) & ~(kHuge - 1);
  const auto end = (reinterpret_cast<std::uintptr_t>(data) + bytes) & ~(kHuge - 1);
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

class Writer {
 public:
  std::string bytes;
  template <class... T> void operator()(const T&... v) { (put(v), ...); }

 private:
  template <class T> void put(const T& v) {
    if constexpr (std::is_same_v<T, bool>) {
      bytes.push_back(v ? 1 : 0);
    } else if constexpr (std::is_arithmetic_v<T>) {
      bytes.append(reinterpret_cast<const char*>(&v), sizeof v);
    } else if constexpr (std::is_enum_v<T>) {
      bytes.push_back(static_cast<char>(v));
    } else {
      fields(*this, v);
    }
  }
  void put(const std::string& s) {
    put(static_cast<std::uint32_t>(s.size()));
    bytes.append(s);
  }
  template <class T> void put(const std::vector<T>& v) {
    put(static_cast<std::uint32_t>(v.size()));
    for (const T& x : v) put(x);
  }
  template <class T> void put(const std::optional<T>& v) {
    put(v.has_value());
    if (v) put(*v);
  }
  template <class A, class B> void put(const std::pair<A, B>& v) { put(v.first), put(v.second); }
};

class Reader {
 public:
  Reader(const char* p, const char* end) : p_(p), end_(end) {}
  template <class... T> void operator()(T&... v) { (get(v), ...); }
  bool done() const { return p_ == end_; }

 private:
  void need(std::size_t n) {
    if (static_cast<std::size_t>(end_ - p_) < n) throw Corrupt("truncated");
  }
  template <class T> void get(T& v) {
    if constexpr (std::is_same_v<T, bool>) {
      need(1);
      if (static_cast<unsigned char>(*p_) > 1) throw Corrupt("a yes/no value is neither");
      v = *p_++ == 1;
    } else if constexpr (std::is_arithmetic_v<T>) {
      need(sizeof v);
      std::memcpy(&v, p_, sizeof v);
      p_ += sizeof v;
    } else if constexpr (std::is_enum_v<T>) {
      need(1);
      auto raw = static_cast<unsigned char>(*p_++);
      if (raw > static_cast<unsigned>(enum_last(T{}))) throw Corrupt("an enumeration is out of range");
      v = static_cast<T>(raw);
    } else {
      fields(*this, v);
    }
  }
  void get(std::string& s) {
    std::uint32_t n = 0;
    get(n);
    need(n);
    s.assign(p_, n);
    p_ += n;
  }
  template <class T> void get(std::vector<T>& v) {
    std::uint32_t n = 0;
    get(n);
    need(n);  // every element takes at least a byte: a corrupt count cannot exhaust memory
    v.clear();
    v.reserve(n);
    huge_pages(v.data(), n * sizeof(T));
    v.resize(n);
    for (T& x : v) get(x);
  }
  template <class T> void get(std::optional<T>& v) {
    bool has = false;
    get(has);
    if (!has) {
      v.reset();
      return;
    }
    v.emplace();
    get(*v);
  }
  template <class A, class B> void get(std::pair<A, B>& v) { get(v.first), get(v.second); }

  const char* p_;
  const char* end_;
};

// Each struct's fields, in order, for both archives (P is the struct, const when writing).
template <class Ar, class P>
  requires std::is_same_v<std::remove_const_t<P>, Date>
void fields(Ar& ar, P& d) { ar(d.days); }

template <class Ar, class P>
  requires std::is_same_v<std::remove_const_t<P>, Capacity>
void fields(Ar& ar, P& c) { ar(c.beds, c.available); }

template <class Ar, class P>
  requires std::is_same_v<std::remove_const_t<P>, IntakeHours>
void fields(Ar& ar, P& h) { ar(h.kind, h.open); }

template <class Ar, class P>
  requires std::is_same_v<std::remove_const_t<P>, Provider>
void fields(Ar& ar, P& p) {
  ar(p.id, p.name, p.community, p.services, p.delivery, p.national, p.serves, p.attributes, p.languages,
     p.genders, p.age_min, p.age_max, p.accepts_trafficking_victims, p.accepts_without_status,
     p.law_enforcement, p.capacity, p.wait_days, p.partners, p.intake_phone, p.intake_hours, p.hours,
     p.catchment, p.peoples, p.address, p.confidential, p.verified, p.line);
}

template <class Ar, class P>
  requires std::is_same_v<std::remove_const_t<P>, Community>
void fields(Ar& ar, P& c) {
  ar(c.id, c.name, c.province, c.latitude, c.longitude, c.population, c.road_access, c.timezone, c.source,
     c.line);
}

template <class Ar, class P>
  requires std::is_same_v<std::remove_const_t<P>, AirRoute>
void fields(Ar& ar, P& r) { ar(r.from, r.to, r.hours, r.days_per_week, r.source, r.line); }

template <class Ar, class P>
  requires std::is_same_v<std::remove_const_t<P>, RoadSegment>
void fields(Ar& ar, P& r) { ar(r.from, r.to, r.km, r.road_class, r.route, r.source, r.line); }

template <class Ar, class P>
  requires std::is_same_v<std::remove_const_t<P>, Ferry>
void fields(Ar& ar, P& f) {
  ar(f.from, f.to, f.crossing_hours, f.wait_hours, f.days_per_week, f.approach_km, f.source, f.line);
}

template <class Ar, class P>
  requires std::is_same_v<std::remove_const_t<P>, Fallback>
void fields(Ar& ar, P& f) {
  ar(f.id, f.name_en, f.name_fr, f.slip_name_en, f.slip_name_fr, f.phone, f.web, f.hours_en, f.hours_fr,
     f.when_en, f.when_fr, f.line);
}

template <class Ar, class P>
  requires std::is_same_v<std::remove_const_t<P>, Code>
void fields(Ar& ar, P& c) { ar(c.code, c.en, c.fr, c.description, c.line); }

template <class Ar, class P>
  requires std::is_same_v<std::remove_const_t<P>, NeedCode>
void fields(Ar& ar, P& c) {
  ar(c.code, c.en, c.fr, c.description, c.line, c.immediate, c.in_person, c.shelter, c.enables, c.bring_en,
     c.bring_fr);
}

template <class Ar, class P>
  requires std::is_same_v<std::remove_const_t<P>, LanguageCode>
void fields(Ar& ar, P& c) { ar(c.code, c.en, c.fr, c.description, c.line, c.macro, c.macrolanguage); }

// A CodeList is written as its items and read back through add(), which rebuilds its index.
template <class T> void list(Writer& w, const CodeList<T>& l) { w(l.items()); }
template <class T> void list(Reader& r, CodeList<T>& l) {
  std::vector<T> items;
  r(items);
  l = CodeList<T>();
  for (T& i : items)
    if (!l.add(std::move(i))) throw Corrupt("a code appears twice");
}

template <class Ar, class T> void taxonomy(Ar& ar, T& t) {
  list(ar, t.needs), list(ar, t.attributes), list(ar, t.identities), list(ar, t.statuses);
  list(ar, t.genders), list(ar, t.exploitation), list(ar, t.provinces), list(ar, t.languages);
  ar(t.identifying_fields);
}

// The providers' lookup by id is stored too (sorting 50,000 ids is a fifth of a load), and
// checked as it is adopted.
void id_index(Writer& w, const Directory& d) { w(d.by_id()); }
void id_index(Reader& r, Directory& d) {
  std::vector<ProviderIndex> by_id;
  r(by_id);
  if (!d.adopt_index(std::move(by_id))) throw Corrupt("the index by id is not in order");
}

template <class Ar, class D> void directory(Ar& ar, D& d) {
  taxonomy(ar, d.taxonomy);
  ar(d.geography.communities, d.geography.routes, d.geography.roads, d.geography.ferries);
  ar(d.providers, d.fallbacks);
  id_index(ar, d);
}

// Indices a corrupt file could put out of range, checked before anything uses them.
void check_indices(const Directory& d) {
  const auto communities = d.geography.size();
  const auto providers = d.providers.size();
  const int languages = d.taxonomy.languages.size();
  auto in = [](auto i, auto n) { return std::cmp_greater_equal(i, 0) && std::cmp_less(i, n); };
  for (const auto& c : d.geography.communities)
    if (!in(c.province, d.taxonomy.provinces.size())) throw Corrupt("a province index is out of range");
  auto legs = [&](const auto& v) {
    for (const auto& leg : v)
      if (!in(leg.from, communities) || !in(leg.to, communities)) throw Corrupt("a travel leg is out of range");
  };
  legs(d.geography.routes), legs(d.geography.roads), legs(d.geography.ferries);
  for (const auto& l : d.taxonomy.languages.items())
    if (l.macrolanguage != -1 && !in(l.macrolanguage, languages)) throw Corrupt("a language index is out of range");
  for (const Provider& p : d.providers) {
    bool ok = in(p.community, communities);
    for (LangId l : p.languages) ok = ok && in(l, languages);
    for (ProviderIndex q : p.partners) ok = ok && in(q, providers);
    for (CommunityIndex c : p.catchment) ok = ok && in(c, communities);
    if (!ok) throw Corrupt("an index of provider " + p.id + " is out of range");
  }
}

template <class T> void put_raw(std::string& out, const T& v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }

// The executable's own bytes, hashed once per process: a snapshot is only read by the build that
// wrote it, so a change to how nrm loads data can never meet a snapshot of the old loader.
XXH64_hash_t executable_digest() {
  static const XXH64_hash_t digest = [] {
    std::ifstream in("/proc/self/exe", std::ios::binary);
    XXH3_state_t* st = XXH3_createState();
    XXH3_64bits_reset(st);
    std::vector<char> buf(std::size_t{1} << 20);
    while (in) {
      in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
      XXH3_64bits_update(st, buf.data(), static_cast<std::size_t>(in.gcount()));
    }
    XXH64_hash_t h = XXH3_64bits_digest(st);
    XXH3_freeState(st);
    return h;
  }();
  return digest;
}

// A read-only mapping of a whole file, unmapped when it goes.
class Mapping {
 public:
  explicit Mapping(const std::string& file) {
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      error_ = std::strerror(errno);
      return;
    }
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
      size_ = static_cast<std::size_t>(st.st_size);
      if (size_ > 0) {
        // populated at once: one pass of the kernel instead of a fault per page
        void* m = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
        if (m == MAP_FAILED) error_ = std::strerror(errno);
        else data_ = static_cast<const char*>(m);
      }
    } else {
      error_ = "not a regular file";
    }
    ::close(fd);
  }
  ~Mapping() {
    if (data_) ::munmap(const_cast<char*>(data_), size_);
  }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  const char* data() const { return data_; }
  std::size_t size() const { return data_ ? size_ : 0; }
  const std::string& error() const { return error_; }

 private:
  const char* data_ = nullptr;
  std::size_t size_ = 0;
  std::string error_;
};

// Hashes a source file's role, size and bytes, read in 1 MiB blocks (faster than mapping it: the
// copy from the page cache costs less than a fault per page). False if it cannot be read.
bool hash_file(XXH3_state_t* st, const char* role, const std::string& path, bool optional) {
  XXH3_128bits_update(st, role, std::strlen(role) + 1);
  std::error_code ec;
  if (optional && !fs::exists(path, ec)) {
    XXH3_128bits_update(st, "absent", 6);
    return true;
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  static thread_local std::vector<char> buf(std::size_t{1} << 20);
  std::uint64_t size = 0;
  for (;;) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return false;
    }
    if (n == 0) break;
    XXH3_128bits_update(st, buf.data(), static_cast<std::size_t>(n));
    size += static_cast<std::uint64_t>(n);
  }
  ::close(fd);
  XXH3_128bits_update(st, &size, sizeof size);  // after the bytes: "ab"+"c" and "a"+"bc" differ
  return true;
}

// Keeps the kKeptSnapshots most recently used snapshots of the folder; removes temporary files
// a killed writer left more than an hour ago. Best effort.
void evict(const fs::path& folder) {
  std::error_code ec;
  std::vector<std::pair<fs::file_time_type, fs::path>> snaps;
  const auto now = fs::file_time_type::clock::now();
  for (const auto& e : fs::directory_iterator(folder, ec)) {
    const std::string name = e.path().filename().string();
    auto t = e.last_write_time(ec);
    if (ec) continue;
    if (name.ends_with(kSuffix)) snaps.emplace_back(t, e.path());
    else if (name.find(std::string(kSuffix) + ".tmp") != std::string::npos && now - t > std::chrono::hours(1))
      fs::remove(e.path(), ec);
  }
  if (snaps.size() <= static_cast<std::size_t>(kKeptSnapshots)) return;
  std::sort(snaps.begin(), snaps.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t i = kKeptSnapshots; i < snaps.size(); ++i) fs::remove(snaps[i].second, ec);
}

}  // namespace

std::string snapshot_key(const DataPaths& paths) {
  XXH3_state_t* st = XXH3_createState();
  XXH3_128bits_reset(st);
  const std::uint64_t version = kFormatVersion, exe = executable_digest();
  XXH3_128bits_update(st, &version, sizeof version);
  XXH3_128bits_update(st, &exe, sizeof exe);
  const std::string folder = detail::folder_of(paths.routes);
  bool ok = hash_file(st, "taxonomy", paths.taxonomy, false) && hash_file(st, "communities", paths.communities, false) &&
            hash_file(st, "routes", paths.routes, false) && hash_file(st, "roads", folder + "roads.csv", true) &&
            hash_file(st, "ferries", folder + "ferries.csv", true) &&
            hash_file(st, "providers", paths.providers, false) && hash_file(st, "fallbacks", paths.fallbacks, false);
  XXH128_hash_t h = XXH3_128bits_digest(st);
  XXH3_freeState(st);
  if (!ok) return "";
  XXH128_canonical_t c;
  XXH128_canonicalFromHash(&c, h);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : c.digest) out += hex[b >> 4], out += hex[b & 15];
  return out;
}

void write_snapshot(const Directory& d, const std::string& key, const std::string& file) {
  if (key.size() != kKeyDigits) throw std::runtime_error(file + ": a snapshot key has " + std::to_string(kKeyDigits) + " digits");
  Writer w;
  directory(w, d);
  std::string head(kMagic, sizeof kMagic);
  put_raw(head, kFormatVersion);
  put_raw(head, std::uint32_t{0});
  head += key;
  put_raw(head, static_cast<std::uint64_t>(w.bytes.size()));
  put_raw(head, static_cast<std::uint64_t>(XXH3_64bits(w.bytes.data(), w.bytes.size())));

  const std::string tmp = file + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(head.data(), static_cast<std::streamsize>(head.size()));
    out.write(w.bytes.data(), static_cast<std::streamsize>(w.bytes.size()));
    out.close();
    if (!out) {
      std::error_code ec;
      fs::remove(tmp, ec);
      throw std::runtime_error(tmp + ": cannot write (" + std::strerror(errno) + ")");
    }
  }
  std::error_code ec;
  fs::rename(tmp, file, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw std::runtime_error(file + ": cannot rename into place (" + ec.message() + ")");
  }
}

bool read_snapshot(const std::string& file, const std::string& key, const DataPaths& paths, Directory& out,
                   std::string& problem) {
  Mapping m(file);
  if (!m.error().empty()) {
    problem = m.error();
    return false;
  }
  const char* p = m.data();
  if (m.size() < kHeaderBytes || std::memcmp(p, kMagic, sizeof kMagic) != 0) {
    problem = "not a snapshot (no header)";
    return false;
  }
  std::uint32_t version = 0;
  std::uint64_t size = 0, sum = 0;
  std::memcpy(&version, p + 8, 4);
  std::memcpy(&size, p + 16 + kKeyDigits, 8);
  std::memcpy(&sum, p + 24 + kKeyDigits, 8);
  if (version != kFormatVersion) {
    problem = "format " + std::to_string(version) + ", expected " + std::to_string(kFormatVersion);
    return false;
  }
  if (std::string_view(p + 16, kKeyDigits) != key) {
    problem = "made from other sources (its digest differs)";
    return false;
  }
  if (m.size() - kHeaderBytes != size) {
    problem = "truncated: " + std::to_string(m.size() - kHeaderBytes) + " bytes of " + std::to_string(size);
    return false;
  }
  const char* payload = p + kHeaderBytes;
  if (XXH3_64bits(payload, size) != sum) {
    problem = "checksum mismatch (the file is damaged)";
    return false;
  }
  try {
    Directory d;
    Reader r(payload, payload + size);
    directory(r, d);
    if (!r.done()) throw Corrupt("bytes left over after the directory");
    check_indices(d);
    d.taxonomy.finish();
    d.geography.reindex();
    d.paths = paths;
    out = std::move(d);
    return true;
  } catch (const Corrupt& e) {
    problem = e.what();
    return false;
  }
}

Directory load_directory_cached(const DataPaths& paths, const std::string& cache_dir, SnapshotUse& use) {
  use = SnapshotUse{};
  if (cache_dir.empty()) return load_directory(paths);
  const std::string key = snapshot_key(paths);
  if (key.empty()) return load_directory(paths);  // a source cannot be read: the load says which
  const fs::path folder(cache_dir);
  use.file = (folder / (key + kSuffix)).string();

  std::error_code ec;
  if (fs::exists(use.file, ec)) {
    Directory d;
    std::string problem;
    if (read_snapshot(use.file, key, paths, d, problem)) {
      use.kind = SnapshotUse::Kind::kRead;
      ::utimensat(AT_FDCWD, use.file.c_str(), nullptr, 0);  // most recently used: kept by evict()
      return d;
    }
    use.kind = SnapshotUse::Kind::kRebuilt;
    use.problem = problem;
  }
  Directory d = load_directory(paths);  // throws LoadError: nothing cached for bad sources
  if (snapshot_key(paths) != key) {          // a source changed while it was read: cache nothing
    use.kind = SnapshotUse::Kind::kUnwritable;
    use.problem = "a source file changed while it was read";
    return d;
  }
  try {
    fs::create_directories(folder);
    fs::permissions(folder, fs::perms::owner_all, fs::perm_options::replace, ec);
    write_snapshot(d, key, use.file);
    if (use.kind != SnapshotUse::Kind::kRebuilt) use.kind = SnapshotUse::Kind::kWritten;
    evict(folder);
  } catch (const std::exception& e) {
    use.kind = SnapshotUse::Kind::kUnwritable;
    use.problem = e.what();
  }
  return d;
}

}  // namespace nrm
