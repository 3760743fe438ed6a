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
