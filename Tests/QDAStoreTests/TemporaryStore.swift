import QDAStore
import QDATestSupport

/// Runs `body` with a new database in a temporary directory, closed and
/// removed afterwards.
func withStore(_ body: (Store) throws -> Void) throws {
  try withStore { store, _ in try body(store) }
}

/// Runs `body` with a new database in a temporary directory and the path of
/// its file, for tests that reach the file another way too.
func withStore(_ body: (Store, _ path: String) throws -> Void) throws {
  let directory = try TemporaryDirectory()
  defer { directory.remove() }
  let path = directory.path("qda.sqlite")
  let store = try Store.open(path: path, create: true)
  defer { store.close() }
  try body(store, path)
}

/// Imports `units` into `store` as the source `name` of `kind` (a file
/// whose hash is `hash`).
@discardableResult
func importUnits(
  _ store: Store, _ units: [UnitDraft], hash: String = "1",
  name: String = "r", kind: String = "reports"
) throws -> ImportSummary {
  var iterator = units.makeIterator()
  return try store.importSource(
    SourceDraft(
      name: name, path: "\(name).csv", kind: kind, contentHash: hash,
      settings: "s"),
    units: { iterator.next() })
}
