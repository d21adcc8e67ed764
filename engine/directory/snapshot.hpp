// The compiled snapshot of a directory: the loaded, validated Directory (taxonomy, geography with
// its flights, roads and ferries, providers, fallbacks) written once in a binary form and mapped
// back on later loads instead of parsing YAML and CSV again, as OSRM maps its preprocessed files.
//
// A snapshot is named by the digest of every source file it was built from (their bytes, not
// their dates), so a changed file is a different name and a stale snapshot is never found, let
// alone used. Its header carries the same digest and a checksum of its contents: a truncated,
// corrupt or foreign file is refused and rebuilt from the sources, never trusted. Snapshots are a
// cache: losing them costs one slower load, nothing else. See docs/data.md ("The snapshot cache").
#pragma once

#include <string>

#include "model/directory.hpp"

namespace nrm {

// What a load did with the cache, for the CLI, the server's health and the tests.
struct SnapshotUse {
  enum class Kind {
    kOff,         // no cache folder: the sources were read
    kRead,        // mapped from the cache
    kWritten,     // read from the sources, snapshot written
    kRebuilt,     // the cached file was unusable (problem says why): sources read, file rewritten
    kUnwritable,  // read from the sources; the snapshot could not be written (problem says why)
  };
  Kind kind = Kind::kOff;
  std::string file;     // the snapshot's path (empty when off)
  std::string problem;  // for kRebuilt and kUnwritable
};

const char* snapshot_kind_name(SnapshotUse::Kind k);

// The digest naming the snapshot of these sources: 32 hex digits of XXH3-128 over the snapshot
// format's version and the role, size and bytes of each source file (taxonomy, communities,
// routes, roads.csv and ferries.csv beside routes, providers, fallbacks). A file that cannot be
// read gives "" (the load then reads the sources and reports the problem).
std::string snapshot_key(const DataPaths& paths);

// load_directory(paths) through the cache folder `cache_dir` ("" = no cache): a snapshot named by
// the sources' digest is mapped when present and sound; otherwise the sources are loaded (throwing
// LoadError exactly as load_directory does) and the snapshot written atomically (a temporary file
// renamed into place). A failure to write is reported in `use`, never thrown: the cache is an
// optimisation. The folder keeps the kKeptSnapshots most recently used snapshots.
Directory load_directory_cached(const DataPaths& paths, const std::string& cache_dir, SnapshotUse& use);

inline constexpr int kKeptSnapshots = 8;

// The two halves, for tests and bench_load. write_snapshot throws std::runtime_error naming the
// file; read_snapshot returns false and says why in `problem` (wrong digest, truncated, checksum,
// an index out of range...) and leaves `out` untouched.
void write_snapshot(const Directory& d, const std::string& key, const std::string& file);
bool read_snapshot(const std::string& file, const std::string& key, const DataPaths& paths, Directory& out,
                   std::string& problem);

}  // namespace nrm
