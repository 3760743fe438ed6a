import Foundation

/// A survey of a file made on threads of its own while the file is read:
/// its encoding as soon as that is certain, the whole survey, hash included,
/// when both threads are done.
///
/// ``EncodingDetector/survey(path:declared:)`` reads the whole file before
/// a caller can decode a byte of it: a quarter of a second for a million
/// work reports, during which the other core only hashes. Most files say
/// their encoding in their first line (a byte order mark, or a line of
/// Russian in valid UTF-8), so a reader can start there while the survey
/// goes on checking the rest. A reader must not keep what it read before
/// ``result()`` has returned: the survey may still fail, and its error is
/// the file's first one, as if it had been surveyed first.
///
/// ```swift
/// let survey = try BackgroundSurvey(path: path, declared: nil)
/// let encoding = try survey.encoding()   // after the first line, usually
/// // … read and decode the file …
/// let hash = try survey.result().contentHash
/// ```
public final class BackgroundSurvey: @unchecked Sendable {
  /// The file surveyed.
  public let path: String
  /// The file's size in bytes when it was opened, for progress.
  public let byteCount: Int
  /// Guards `decided` and `outcome`.
  private let lock = NSCondition()
  /// The encoding, once certain.
  private var decided: TextEncoding?
  /// The survey's result (without the hash), once it has read the file.
  private var outcome: Result<FileSurvey, any Error>?
  /// The hash, made from a second read of the file.
  private let hash: FileHash

  /// Starts surveying the file at `path`.
  ///
  /// - Parameters:
  ///   - path: The file to read.
  ///   - declared: The encoding the user named, if any; then the file must
  ///     be valid in it.
  /// - Throws: `ImportError` for a missing or unreadable file; problems
  ///   found in the bytes are thrown by ``encoding()`` and ``result()``.
  public init(path: String, declared: TextEncoding?) throws {
    self.path = path
    // Opened here, so that a missing file fails the caller at once; then
    // read only by the survey's thread.
    nonisolated(unsafe) let stream = try ByteStream(path: path)
    byteCount =
      (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
      ?? 0
    hash = FileHash(path: path)
    DispatchQueue.global(qos: .userInitiated).async { [self] in
      let result = Result {
        try EncodingDetector.survey(
          stream, path: path, declared: declared, hashes: false,
          decided: { encoding in
            self.lock.lock()
            self.decided = encoding
            self.lock.broadcast()
            self.lock.unlock()
          })
      }
      lock.lock()
      outcome = result
      lock.broadcast()
      lock.unlock()
    }
  }

  deinit {
    hash.cancel()
  }

  /// Waits until the encoding is certain: at once for a declared one,
  /// after the first line of most files, at the end of the survey for the
  /// rest (ASCII, Windows-1251).
  ///
  /// - Throws: The survey's `ImportError` when it failed before the
  ///   encoding was certain.
  public func encoding() throws -> TextEncoding {
    lock.lock()
    defer { lock.unlock() }
    while true {
      if let decided { return decided }
      if let outcome { return try outcome.get().encoding }
      lock.wait()
    }
  }

  /// Waits for the whole survey and the hash.
  ///
  /// - Throws: The survey's `ImportError`: the file's encoding problem, or a
  ///   read error.
  public func result() throws -> FileSurvey {
    var survey = try surveyed().get()
    survey.contentHash = try hash.value()
    return survey
  }

  /// Waits for the survey's thread to finish.
  private func surveyed() -> Result<FileSurvey, any Error> {
    lock.lock()
    defer { lock.unlock() }
    while true {
      if let outcome { return outcome }
      lock.wait()
    }
  }

  /// Runs `body`; when it throws, waits for the survey and throws its
  /// error instead, if it found one: a file's encoding problem comes
  /// before any problem of its contents, as when it is surveyed first.
  public func withEncodingErrorsFirst<T>(_ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch {
      _ = try result()
      throw error
    }
  }
}
