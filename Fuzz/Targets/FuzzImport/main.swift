import Foundation
import FuzzSupport
import GRDB
import QDAImport
import QDAProject
import QDAStore

/// Work-report CSV imported as `qda import reports` imports it: into a new
/// database (which a failed import removes again), and over the samples as
/// the same source, whose rows the input then adds, changes or removes.
///
/// Errors are expected; a finding is a crash, a failed import that left the
/// database's files other than they were, a successful one that left the
/// database failing SQLite's integrity or foreign key checks, a second
/// import of the same file that was not a no-op, or threads that outlive
/// the imports that started them.
let folder = NSTemporaryDirectory() + "qda-fuzz-import-\(getpid())/"
let samples: String = {
  let root = #filePath.split(separator: "/").dropLast(4).joined(separator: "/")
  return "/\(root)/Samples/work-reports.csv"
}()

/// The samples imported as source `work-reports`, made once per process.
let baseline: [Data?] = {
  try? FileManager.default.createDirectory(
    atPath: folder, withIntermediateDirectories: true)
  let path = folder + "baseline.sqlite"
  do {
    try Store.withWritable(at: path) { store in
      _ = try DataImport.reports(
        path: samples, options: ReportReadOptions(), source: nil, store: store)
    }
  } catch {
    fatalError("the samples do not import: \(error)")
  }
  return files(of: path)
}()

/// The bytes of a database and its companion files.
func files(of path: String) -> [Data?] {
  ["", "-wal", "-shm", "-journal"].map {
    FileManager.default.contents(atPath: path + $0)
  }
}

/// Removes a database and its companion files.
func remove(_ path: String) {
  for suffix in ["", "-wal", "-shm", "-journal"] {
    try? FileManager.default.removeItem(atPath: path + suffix)
  }
}

/// Imports `input` as source `source`, or returns `nil` for an import that
/// failed.
func importReports(_ input: String, source: String?, into path: String)
  -> ImportSummary?
{
  try? Store.withWritable(at: path) { store in
    try DataImport.reports(
      path: input, options: ReportReadOptions(), source: source, store: store
    ).0
  }
}

/// Stops the process unless the database passes SQLite's checks.
func checkIntegrity(_ path: String) {
  do {
    let queue = try DatabaseQueue(path: path)
    try queue.read { db in
      let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
      guard integrity == ["ok"] else { fatalError("integrity: \(integrity)") }
      let orphans = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check")
      guard orphans.isEmpty else { fatalError("foreign keys: \(orphans)") }
    }
    try queue.close()
  } catch {
    fatalError("the database does not open: \(error)")
  }
}

/// How many threads the process has.
func threadCount() -> Int {
  (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task"))?
    .count ?? 0
}

/// The threads before the first input, with the baseline made: Dispatch's
/// pool may add a few later, an import that leaves one behind adds one per
/// input.
let threadsAtStart: Int = {
  _ = baseline
  return threadCount()
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzImport(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
  _ = threadsAtStart
  let input = InputFile.write(start, count, extension: "csv")

  let new = folder + "new.sqlite"
  remove(new)
  if let first = importReports(input, source: "fuzz", into: new) {
    checkIntegrity(new)
    let before = files(of: new)
    guard let again = importReports(input, source: "fuzz", into: new),
      again.isUnchanged, again.unchanged == first.added
    else { fatalError("importing the same file again was not a no-op") }
    guard files(of: new) == before else {
      fatalError("importing the same file again changed the database")
    }
  } else if FileManager.default.fileExists(atPath: new) {
    fatalError("a failed import left the database it created")
  }

  let over = folder + "over.sqlite"
  remove(over)
  let expected = baseline
  for (suffix, data) in zip(["", "-wal", "-shm", "-journal"], expected) {
    if let data {
      FileManager.default.createFile(atPath: over + suffix, contents: data)
    }
  }
  if importReports(input, source: "work-reports", into: over) != nil {
    checkIntegrity(over)
  } else if files(of: over) != expected {
    fatalError("a failed import changed the database")
  }
  guard threadCount() <= threadsAtStart + 64 else {
    fatalError(
      "\(threadCount() - threadsAtStart) threads outlived their imports")
  }
  return 0
}
