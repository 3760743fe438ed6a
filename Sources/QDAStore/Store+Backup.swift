import Foundation
import GRDB

extension Store {
  /// Writes a consistent copy of the database to `destination`.
  ///
  /// Never a plain file copy: SQLite's `VACUUM INTO` reads one snapshot, so a copy
  /// taken while another process writes holds either all of a transaction
  /// or none of it. The copy is checked (`PRAGMA integrity_check`), made
  /// with mode 0600, and moved into place only when complete.
  ///
  /// - Parameters:
  ///   - destination: The file to write.
  ///   - overwrite: Whether an existing file may be replaced.
  /// - Throws: ``StoreError/cannotWriteCopy(path:reason:)`` when the destination
  ///   exists (and `overwrite` is false) or cannot be written.
  public func backup(to destination: String, overwrite: Bool = false) throws {
    let files = FileManager.default
    let target = URL(fileURLWithPath: destination)
    if !overwrite, files.fileExists(atPath: destination) {
      throw StoreError.cannotWriteCopy(
        path: destination, reason: "it exists; --force replaces it")
    }
    let scratch = target.deletingLastPathComponent().appendingPathComponent(
      ".\(target.lastPathComponent).\(UUID().uuidString).partial")
    // VACUUM INTO needs the file absent or empty; an empty file created here
    // carries the mode.
    guard
      files.createFile(
        atPath: scratch.path, contents: nil,
        attributes: [.posixPermissions: 0o600])
    else {
      throw StoreError.cannotWriteCopy(
        path: destination, reason: "cannot create a file in its folder")
    }
    do {
      try queue.writeWithoutTransaction { db in
        try db.execute(sql: "VACUUM INTO ?", arguments: [scratch.path])
      }
      let copy = try DatabaseQueue(path: scratch.path)
      let verdict = try copy.read { db in
        try String.fetchOne(db, sql: "PRAGMA integrity_check")
      }
      try copy.close()
      guard verdict == "ok" else {
        throw StoreError.sqlite(
          path: destination, message: "the copy failed its integrity check")
      }
      // rename(2) replaces atomically: FILE is the old copy or the new one.
      guard rename(scratch.path, destination) == 0 else {
        throw StoreError.cannotWriteCopy(
          path: destination, reason: String(cString: strerror(errno)))
      }
    } catch {
      try? files.removeItem(at: scratch)
      if error is StoreError { throw error }
      throw Self.translate(error, path: destination)
    }
  }
}
