import Foundation

/// A buffered, forward-only reader of a file's bytes.
///
/// Importers read files of any size through a `ByteStream`, so memory stays
/// bounded by the buffer size rather than the file size.
public final class ByteStream {
  /// The open file; `nil` for streams over in-memory bytes.
  private let handle: FileHandle?
  /// The bytes read, `buffer[..<end]`.
  ///
  /// For a file, one allocation reused by every read, which the file's bytes go straight into (a `Data` per
  /// read, copied into a new array, was two copies of every byte more, three
  /// times over for an import: the survey, its hash and the parse).
  private var buffer: [UInt8]
  /// How many bytes of `buffer` were read.
  private var end = 0
  /// The index of the next unconsumed byte in `buffer`.
  private var index = 0
  /// Whether the underlying file has no more bytes to give.
  private var isExhausted: Bool
  /// How many bytes one read asks the file for.
  private let chunkSize: Int
  /// How many bytes were consumed before `buffer` was filled.
  private var consumedBeforeBuffer = 0

  /// Opens a file for streaming.
  ///
  /// - Parameters:
  ///   - path: The file to read.
  ///   - chunkSize: How many bytes each read asks for.
  /// - Throws: `ImportError.missingFile`, `.isDirectory` or `.unreadable`.
  public init(path: String, chunkSize: Int = 1 << 16) throws {
    var isDirectory: ObjCBool = false
    guard
      FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
    else {
      throw ImportError.missingFile(path: path)
    }
    guard !isDirectory.boolValue else {
      throw ImportError.isDirectory(path: path)
    }
    guard let handle = FileHandle(forReadingAtPath: path) else {
      throw ImportError.unreadable(path: path, reason: "permission denied")
    }
    self.handle = handle
    self.buffer = [UInt8](repeating: 0, count: max(1, chunkSize))
    self.isExhausted = false
    self.chunkSize = max(1, chunkSize)
  }

  /// Streams bytes already in memory (used by tests and by small inputs).
  public init(bytes: [UInt8]) {
    self.handle = nil
    self.buffer = bytes
    self.end = bytes.count
    self.isExhausted = true
    self.chunkSize = 0
  }

  deinit { try? handle?.close() }

  /// The offset, from the start of the stream, of the next byte `next()` returns.
  public var offset: Int { consumedBeforeBuffer + index }

  /// Returns the next byte, or `nil` at the end of the stream.
  @inline(__always)
  public func next() -> UInt8? {
    if index == end, !refill() { return nil }
    let byte = buffer[index]
    index += 1
    return byte
  }

  /// Returns the next byte without consuming it, or `nil` at the end.
  @inline(__always)
  public func peek() -> UInt8? {
    if index == end, !refill() { return nil }
    return buffer[index]
  }

  /// Consumes the bytes buffered but not yet consumed (reading the next
  /// chunk first when there are none) and hands them to `body`; `nil` at
  /// the end of the stream.
  ///
  /// - Parameter body: Called with the bytes and the stream offset of the
  ///   first of them.
  /// - Returns: What `body` returns; `nil` at the end of the stream.
  /// - Throws: What `body` throws.
  public func nextChunk<Result>(
    _ body: (UnsafeBufferPointer<UInt8>, _ offset: Int) throws -> Result
  ) rethrows -> Result? {
    if index == end, !refill() { return nil }
    let start = index
    let offset = self.offset
    index = end
    return try buffer.withUnsafeBufferPointer {
      try body(UnsafeBufferPointer(rebasing: $0[start..<index]), offset)
    }
  }

  /// Consumes the buffered bytes up to the first that `stops` marks (or to
  /// the end of the buffered bytes), appending them to `bytes`.
  ///
  /// Lets a parser take a field's plain bytes in one copy instead of one
  /// `next()` and one append each; it goes on byte by byte from the stop.
  ///
  /// - Parameters:
  ///   - bytes: Where the run's bytes go.
  ///   - stops: 256 flags, one per byte value.
  @inline(__always)
  func consumeRun(into bytes: inout [UInt8], stops: UnsafePointer<Bool>) {
    let start = index
    let limit = end
    buffer.withUnsafeBufferPointer { buffer in
      var stop = start
      while stop < limit, !stops[Int(buffer[stop])] { stop += 1 }
      if stop > start {
        bytes.append(
          contentsOf: UnsafeBufferPointer(rebasing: buffer[start..<stop]))
      }
      index = stop
    }
  }

  /// Reads the next chunk; returns whether any byte is available.
  private func refill() -> Bool {
    guard !isExhausted, let handle else { return false }
    consumedBeforeBuffer += end
    index = 0
    end = 0
    let descriptor = handle.fileDescriptor
    let count = chunkSize
    let read = buffer.withUnsafeMutableBytes { buffer -> Int in
      while true {
        let read = Foundation.read(descriptor, buffer.baseAddress, count)
        // Interrupted by a signal before reading anything: again.
        if read < 0, errno == EINTR { continue }
        return read
      }
    }
    // An error reading reads as the end, as it did through `FileHandle`.
    guard read > 0 else {
      isExhausted = true
      return false
    }
    end = read
    return true
  }
}
