import ArgumentParser
import QDAStore

extension CoderSelection {
  /// The selection a `--coder` value names: a coder, or `consensus` of the
  /// coders in `coders` (comma-separated; default: every coder but `auto`).
  static func named(_ name: String, coders: String?, store: Store) throws
    -> CoderSelection
  {
    guard name == "consensus" else { return .coder(name) }
    let names =
      try coders?.split(separator: ",").map {
        $0.trimmingCharacters(in: .whitespaces)
      }
      ?? store.coders().filter { $0 != "auto" }
    guard names.count >= 2 else {
      throw ValidationError(
        "The consensus needs at least two coders; name them with --coders A,B.")
    }
    return .consensus(names)
  }
}
