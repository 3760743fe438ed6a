import ArgumentParser
import Foundation
import QDAStore

/// The `--db` option every command takes.
struct DatabaseOptions: ParsableArguments {
  @Option(
    name: .customLong("db"),
    help: "The database file (default: $QDA_DB, or ./qda.sqlite).")
  var path: String?

  /// The database path in force.
  var resolvedPath: String {
    path ?? ProcessInfo.processInfo.environment["QDA_DB"] ?? "qda.sqlite"
  }

  /// Opens the database for a command that only reads.
  func openForReading() throws -> Store {
    try Store.open(path: resolvedPath, create: false)
  }

  /// Runs a command that writes: opens (or creates) the database, runs
  /// `body`, and on failure removes a database file it had to create.
  func write<T>(_ body: (Store) throws -> T) throws -> T {
    try Store.withWritable(at: resolvedPath, body)
  }

}
