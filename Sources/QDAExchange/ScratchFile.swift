import Foundation

/// A file that a large output is written to piece by piece, buffered,
/// before it is zipped or put in place: what keeps memory flat however
/// large the output.
public final class ScratchFile {
  /// The file.
  public let url: URL
  /// The bytes written so far, buffered ones included.
  public private(set) var size = 0
  private var handle: FileHandle?
  private var buffer: [UInt8] = []

  /// How much is gathered before it is written: 1 MiB.
  public static let chunk = 1 << 20

  /// Creates the file, readable by this user only (it holds the texts).
  ///
  /// - Throws: `CocoaError` when it cannot be created.
  public init(_ url: URL) throws {
    self.url = url
    guard
      FileManager.default.createFile(
        atPath: url.path, contents: nil,
        attributes: [.posixPermissions: 0o600])
    else {
      throw CocoaError(
        .fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
    }
    handle = try FileHandle(forWritingTo: url)
  }

  /// Appends `text`'s UTF-8 bytes.
  ///
  /// - Throws: The file system's error (a full disk).
  public func write(_ text: String) throws {
    buffer.append(contentsOf: text.utf8)
    size += text.utf8.count
    if buffer.count >= Self.chunk { try flush() }
  }

  private func flush() throws {
    guard !buffer.isEmpty, let handle else { return }
    defer { buffer.removeAll(keepingCapacity: true) }
    try handle.write(contentsOf: buffer)
  }

  /// Writes what is buffered and closes the file for writing.
  ///
  /// - Throws: The file system's error.
  public func close() throws {
    try flush()
    try handle?.close()
    handle = nil
  }

  deinit { try? handle?.close() }
}

/// The bytes of several files one after another, read in order as an
/// archive entry's provider asks for them.
final class ConcatenatedFiles {
  private let files: [(url: URL, size: Int)]
  /// The total size in bytes.
  let size: Int
  /// The file being read, and where it starts in the whole.
  private var current: (index: Int, start: Int, handle: FileHandle)?

  /// The files in `parts`, in order, at their written sizes.
  init(_ parts: [ScratchFile]) {
    files = parts.map { ($0.url, $0.size) }
    size = files.reduce(0) { $0 + $1.size }
  }

  /// `count` bytes from `position` of the whole (fewer at the end).
  ///
  /// - Throws: The file system's error.
  func read(at position: Int, count: Int) throws -> Data {
    var result = Data()
    result.reserveCapacity(count)
    var position = position
    var start = 0
    for (index, file) in files.enumerated() {
      let end = start + file.size
      defer { start = end }
      guard position < end, result.count < count else { continue }
      let handle = try open(index, start: start)
      try handle.seek(toOffset: UInt64(position - start))
      let wanted = min(count - result.count, end - position)
      let bytes = try handle.read(upToCount: wanted) ?? Data()
      result.append(bytes)
      position += bytes.count
      if bytes.count < wanted { break }
    }
    return result
  }

  /// The handle of file `index`, opened once while it is read.
  private func open(_ index: Int, start: Int) throws -> FileHandle {
    if let current, current.index == index { return current.handle }
    try current?.handle.close()
    let handle = try FileHandle(forReadingFrom: files[index].url)
    current = (index, start, handle)
    return handle
  }

  /// Closes the file being read.
  func close() {
    try? current?.handle.close()
    current = nil
  }

  deinit { close() }
}
