// The compiled snapshot (directory/snapshot.hpp): what is mapped back is what was loaded, a
// changed source is never answered from an old snapshot, a damaged one is rebuilt, and a cache
// that cannot be written costs nothing but speed.
#include <filesystem>
#include <fstream>

#include "directory/loader.hpp"
#include "directory/snapshot.hpp"
#include "test_util.hpp"

using namespace nrm;
namespace fs = std::filesystem;

namespace {

using Kind = SnapshotUse::Kind;

// A copy of the shipped data/ in a temporary folder, to change.
DataPaths copy_shipped(const test::TempDir& dir) {
  fs::copy(test::source_root() + "/data", dir.path("data"), fs::copy_options::recursive);
  return shipped_data_paths(dir.path());
}

std::string bytes_of(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void put_bytes(const std::string& file, const std::string& bytes) { std::ofstream(file, std::ios::binary) << bytes; }

// Every field of the directory, as the snapshot writes it: equal bytes, equal directories.
std::string serialized(const Directory& d) {
  test::TempDir tmp;
  write_snapshot(d, std::string(32, '0'), tmp.path("d.nrmsnap"));
  return bytes_of(tmp.path("d.nrmsnap"));
}

std::size_t snapshots_in(const std::string& folder) {
  std::size_t n = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(folder, ec)) n += e.path().extension() == ".nrmsnap";
  return n;
}

}  // namespace

TEST_CASE("a snapshot gives back the directory the sources give", "[snapshot]") {
  test::TempDir cache;
  const DataPaths paths = shipped_data_paths(test::source_root());
  const Directory from_sources = load_directory(paths);

  SnapshotUse first, second;
  const Directory written = load_directory_cached(paths, cache.path(), first);
  CHECK(first.kind == Kind::kWritten);
  CHECK(fs::exists(first.file));
  const Directory mapped = load_directory_cached(paths, cache.path(), second);
  REQUIRE(second.kind == Kind::kRead);
  CHECK(second.file == first.file);

  CHECK(serialized(mapped) == serialized(from_sources));
  REQUIRE(mapped.providers.size() == from_sources.providers.size());
  CHECK(mapped.paths.providers == paths.providers);
  // lookups rebuilt or adopted: every provider and community found by id, codes by code
  for (ProviderIndex p = 0; p < mapped.providers.size(); ++p) CHECK(mapped.find(mapped.providers[p].id) == p);
  CHECK_FALSE(mapped.find("no-such-provider"));
  for (CommunityIndex c = 0; c < mapped.geography.size(); ++c)
    CHECK(mapped.geography.find(mapped.geography[c].id) == c);
  CHECK(mapped.taxonomy.needs.find("shelter.emergency") == from_sources.taxonomy.needs.find("shelter.emergency"));
  CHECK(mapped.taxonomy.shelter_needs() == from_sources.taxonomy.shelter_needs());
  CHECK(mapped.taxonomy.immediate_needs() == from_sources.taxonomy.immediate_needs());
}

TEST_CASE("a changed source file is never answered from the old snapshot", "[snapshot]") {
  test::TempDir dir, cache;
  const DataPaths paths = copy_shipped(dir);
  SnapshotUse use;
  (void)load_directory_cached(paths, cache.path(), use);
  REQUIRE(use.kind == Kind::kWritten);
  const std::string old_file = use.file;

  SECTION("a provider's phone, same size, same modification time") {
    std::string text = bytes_of(paths.providers);
    const auto at = text.find("intake: {phone: \"+1-");
    REQUIRE(at != std::string::npos);
    const auto digit = text.find_first_of("0123456789", at + 20);  // past "+1-": the number itself
    const char old_digit = text[digit];
    text[digit] = old_digit == '9' ? '8' : static_cast<char>(old_digit + 1);
    const auto when = fs::last_write_time(paths.providers);
    put_bytes(paths.providers, text);
    fs::last_write_time(paths.providers, when);

    const Directory d = load_directory_cached(paths, cache.path(), use);
    CHECK(use.kind == Kind::kWritten);
    CHECK(use.file != old_file);
    CHECK(serialized(d) == serialized(load_directory(paths)));  // the new phone, not the old
  }
  SECTION("roads.csv, read from beside routes.csv") {
    std::ofstream(dir.path("data/roads.csv"), std::ios::app) << "\n";
    (void)load_directory_cached(paths, cache.path(), use);
    CHECK(use.kind == Kind::kWritten);
    CHECK(use.file != old_file);
  }
  SECTION("unchanged sources read the snapshot") {
    (void)load_directory_cached(paths, cache.path(), use);
    CHECK(use.kind == Kind::kRead);
    CHECK(use.file == old_file);
  }
}

TEST_CASE("a damaged snapshot is rebuilt from the sources, never trusted", "[snapshot]") {
  test::TempDir cache;
  const DataPaths paths = shipped_data_paths(test::source_root());
  const std::string expected = serialized(load_directory(paths));
  SnapshotUse use;
  (void)load_directory_cached(paths, cache.path(), use);
  REQUIRE(use.kind == Kind::kWritten);
  const std::string good = bytes_of(use.file);

  std::string damaged = good;
  std::string problem;
  SECTION("one byte flipped in the contents") {
    damaged[damaged.size() / 2] = static_cast<char>(damaged[damaged.size() / 2] ^ 0x20);
    problem = "checksum";
  }
  SECTION("cut short") {
    damaged.resize(damaged.size() - 100);
    problem = "truncated";
  }
  SECTION("not a snapshot at all") {
    damaged = "providers:\n";
    problem = "not a snapshot";
  }
  SECTION("made from other sources") {
    damaged.replace(16, 4, "ffff");  // the digest in the header
    problem = "other sources";
  }
  put_bytes(use.file, damaged);
  const Directory d = load_directory_cached(paths, cache.path(), use);
  CHECK(use.kind == Kind::kRebuilt);
  CHECK_THAT(use.problem, Catch::Contains(problem));
  CHECK(serialized(d) == expected);
  CHECK(bytes_of(use.file) == good);  // rewritten
  (void)load_directory_cached(paths, cache.path(), use);
  CHECK(use.kind == Kind::kRead);
}

TEST_CASE("a snapshot whose indices are out of range is refused even with a good checksum", "[snapshot]") {
  test::TempDir cache;
  const DataPaths paths = shipped_data_paths(test::source_root());
  Directory d = load_directory(paths);
  const std::string key = snapshot_key(paths);
  REQUIRE(key.size() == 32);

  SECTION("a provider in a community that does not exist") {
    d.providers[0].community = static_cast<CommunityIndex>(d.geography.size() + 5);
  }
  SECTION("a partner that does not exist") {
    d.providers[0].partners.push_back(static_cast<ProviderIndex>(d.providers.size()));
  }
  SECTION("the lookup by id out of order") {
    std::vector<ProviderIndex> shuffled = d.by_id();
    std::swap(shuffled.front(), shuffled.back());
    // adopt_index refuses it too: written through a copy that skips the check
    CHECK_FALSE(d.adopt_index(shuffled));
    d.providers[d.by_id().front()].id.swap(d.providers[d.by_id().back()].id);
  }
  const std::string file = cache.path(key + ".nrmsnap");
  write_snapshot(d, key, file);
  Directory out;
  std::string problem;
  CHECK_FALSE(read_snapshot(file, key, paths, out, problem));
  CHECK_FALSE(problem.empty());
  CHECK(out.providers.empty());  // untouched

  SnapshotUse use;
  const Directory rebuilt = load_directory_cached(paths, cache.path(), use);
  CHECK(use.kind == Kind::kRebuilt);
  CHECK(serialized(rebuilt) == serialized(load_directory(paths)));
}

TEST_CASE("a cache that cannot be written costs speed, not the answer", "[snapshot]") {
  test::TempDir tmp;
  const std::string not_a_folder = tmp.write("file", "a file where the cache folder should be");
  const DataPaths paths = shipped_data_paths(test::source_root());
  SnapshotUse use;
  const Directory d = load_directory_cached(paths, not_a_folder + "/nrm", use);
  CHECK(use.kind == Kind::kUnwritable);
  CHECK_FALSE(use.problem.empty());
  CHECK(d.providers.size() == load_directory(paths).providers.size());

  SnapshotUse off;
  (void)load_directory_cached(paths, "", off);
  CHECK(off.kind == Kind::kOff);
  CHECK(off.file.empty());
}

TEST_CASE("bad sources throw as without a cache, and nothing is cached", "[snapshot]") {
  test::TempDir dir, cache;
  const DataPaths paths = copy_shipped(dir);
  std::ofstream(paths.providers, std::ios::app) << "\n  - id: broken\n    community: nowhere-zz\n";
  SnapshotUse use;
  const std::string cached = test::load_error([&] { (void)load_directory_cached(paths, cache.path(), use); });
  const std::string plain = test::load_error([&] { (void)load_directory(paths); });
  CHECK(cached == plain);
  CHECK(snapshots_in(cache.path()) == 0);
}

TEST_CASE("the cache keeps the most recently used snapshots only", "[snapshot]") {
  test::TempDir dir, cache;
  const DataPaths paths = copy_shipped(dir);
  const std::string fallbacks = bytes_of(paths.fallbacks);
  for (int i = 0; i < kKeptSnapshots + 3; ++i) {
    put_bytes(paths.fallbacks, fallbacks + "# version " + std::to_string(i) + "\n");
    SnapshotUse use;
    (void)load_directory_cached(paths, cache.path(), use);
    REQUIRE(use.kind == Kind::kWritten);
  }
  CHECK(snapshots_in(cache.path()) == static_cast<std::size_t>(kKeptSnapshots));
  SnapshotUse last;
  (void)load_directory_cached(paths, cache.path(), last);
  CHECK(last.kind == Kind::kRead);  // the newest is among those kept
}
