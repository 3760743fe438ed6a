import QDAStore
import QDATestSupport

/// Runs `body` with a new database in a temporary directory, closed and
/// removed afterwards.
func withStore(_ body: (Store) throws -> Void) throws {
  let directory = try TemporaryDirectory()
  defer { directory.remove() }
  let store = try Store.open(path: directory.path("qda.sqlite"), create: true)
  defer { store.close() }
  try body(store)
}

/// Imports `units` into `store` as the source `r` (a file whose hash is
/// `hash`).
@discardableResult
func importUnits(_ store: Store, _ units: [UnitDraft], hash: String = "1")
  throws -> ImportSummary
{
  var iterator = units.makeIterator()
  return try store.importSource(
    SourceDraft(
      name: "r", path: "r.csv", kind: "reports", contentHash: hash,
      settings: "s"),
    units: { iterator.next() })
}
