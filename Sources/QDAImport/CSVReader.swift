/// One record of a CSV file, as raw bytes per field.
public struct CSVRecord: Sendable, Equatable {
  /// The fields, undecoded; quotes removed and doubled quotes collapsed.
  public var fields: [[UInt8]]
  /// The physical line (1-based) on which the record starts.
  public var line: Int
}

/// A streaming RFC 4180 reader over bytes.
///
/// The reader works on bytes, not characters: the delimiter, quote and line
/// breaks are ASCII, and both encodings qda reads (UTF-8 and Windows-1251)
/// keep ASCII bytes as they are, so fields are split first and decoded after.
///
/// Policies beyond RFC 4180, chosen to never lose or invent data silently:
/// - Records may end in CRLF, LF or a lone CR; a line break inside quotes is data.
/// - A blank line between records is skipped and counted in ``skippedBlankLines``.
/// - A quote inside an unquoted field is kept as data (`12,1"` gives `1"`),
///   as Excel and Python read it.
/// - Text after a closing quote (`"ab"c`) is an error: it means broken quoting.
/// - A NUL byte is an error, since no text field legitimately holds one.
/// - A field longer than ``maximumFieldBytes`` is an error.
/// - A quoted field still open at the end of the file is an error naming the
///   line where it opened.
///
/// ## Topics
/// - ``init(stream:delimiter:maximumFieldBytes:path:)``
/// - ``next()``
public final class CSVReader {
  /// The default limit on one field's size: 1 MiB.
  public static let defaultMaximumFieldBytes = 1 << 20

  /// Where the bytes come from.
  private let stream: ByteStream
  /// The field separator byte.
  public let delimiter: UInt8
  /// The largest field, in bytes, the reader accepts.
  public let maximumFieldBytes: Int
  /// The file name used in error messages.
  private let path: String
  /// The current physical line (1-based).
  public private(set) var line = 1
  /// How many blank lines between records were skipped.
  public private(set) var skippedBlankLines = 0
  /// How many bytes of the input were consumed so far.
  public var bytesRead: Int { stream.offset }

  /// Creates a reader.
  ///
  /// - Parameters:
  ///   - stream: The bytes to read; a leading UTF-8 BOM is skipped.
  ///   - delimiter: The field separator.
  ///   - maximumFieldBytes: The size limit of a single field.
  ///   - path: The file name for diagnostics.
  public init(
    stream: ByteStream, delimiter: UInt8 = UInt8(ascii: ","),
    maximumFieldBytes: Int = CSVReader.defaultMaximumFieldBytes,
    path: String = "<input>"
  ) {
    self.stream = stream
    self.delimiter = delimiter
    self.maximumFieldBytes = maximumFieldBytes
    self.path = path
    unquotedStops = Self.stops([delimiter, Self.lf, Self.cr, 0])
    quotedStops = Self.stops([Self.quote, Self.lf, Self.cr, 0])
    if stream.peek() == 0xEF {
      // Only a full BOM is skipped; anything else starting with 0xEF is data.
      _ = stream.next()
      if stream.peek() == 0xBB {
        _ = stream.next()
        if stream.peek() == 0xBF { _ = stream.next() }
      }
    }
  }

  private enum State { case fieldStart, unquoted, quoted, afterQuote }

  /// The bytes that end a run of plain bytes in an unquoted field and in a
  /// quoted one: each needs the state machine (a NUL, to be refused).
  private let unquotedStops: UnsafeMutablePointer<Bool>
  private let quotedStops: UnsafeMutablePointer<Bool>

  private static func stops(_ bytes: [UInt8]) -> UnsafeMutablePointer<Bool> {
    let flags = UnsafeMutablePointer<Bool>.allocate(capacity: 256)
    flags.initialize(repeating: false, count: 256)
    for byte in bytes { flags[Int(byte)] = true }
    return flags
  }

  deinit {
    unquotedStops.deallocate()
    quotedStops.deallocate()
  }

  private static let quote = UInt8(ascii: "\"")
  private static let lf = UInt8(ascii: "\n")
  private static let cr = UInt8(ascii: "\r")

  /// Consumes the LF of a CRLF pair, if present, and advances the line count.
  @inline(__always)
  private func finishLineBreak(_ byte: UInt8) {
    if byte == Self.cr, stream.peek() == Self.lf { _ = stream.next() }
    line += 1
  }

  /// Returns the next record, or `nil` at the end of the file.
  ///
  /// - Throws: `ImportError` for unterminated quotes, text after a closing
  ///   quote, NUL bytes and oversized fields.
  public func next() throws -> CSVRecord? {
    guard try advance() else { return nil }
    return CSVRecord(
      fields: (0..<fieldCount).map { field($0) { Array($0) } },
      line: recordLine)
  }

  /// The fields of the record ``advance()`` read, one after another.
  ///
  /// Reused from record to record: a bulk reader takes each field in place
  /// (``field(_:_:)``), where a ``CSVRecord`` has an array per field, each
  /// grown byte run by byte run.
  private var recordBytes: [UInt8] = []
  /// Where each field of that record ends in ``recordBytes``.
  private var fieldEnds: [Int] = []
  /// The physical line (1-based) on which that record starts.
  private(set) var recordLine = 1
  /// How many fields that record has.
  var fieldCount: Int { fieldEnds.count }

  /// Calls `body` with the bytes of field `index` of the record
  /// ``advance()`` read, valid during the call only.
  func field<Result>(
    _ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result
  ) rethrows -> Result {
    let start = index == 0 ? 0 : fieldEnds[index - 1]
    return try recordBytes.withUnsafeBufferPointer {
      try body(UnsafeBufferPointer(rebasing: $0[start..<fieldEnds[index]]))
    }
  }

  /// Reads the next record into the reader's buffers (see
  /// ``field(_:_:)``); returns `false` at the end of the file.
  ///
  /// - Throws: As ``next()``.
  func advance() throws -> Bool {
    // Worked on as locals, handed back at the end: a stored property of a
    // class is checked for exclusive access at every use.
    var bytes = recordBytes
    var ends = fieldEnds
    recordBytes = []
    fieldEnds = []
    defer {
      recordBytes = bytes
      fieldEnds = ends
    }
    bytes.removeAll(keepingCapacity: true)
    ends.removeAll(keepingCapacity: true)
    var fieldStart = 0
    var state = State.fieldStart
    var startLine = line
    var quoteLine = line

    while let byte = stream.next() {
      if byte == 0 { throw ImportError.nulByte(path: path, line: line) }
      switch state {
      case .fieldStart:
        if byte == Self.quote {
          state = .quoted
          quoteLine = line
        } else if byte == delimiter {
          ends.append(bytes.count)
          fieldStart = bytes.count
        } else if byte == Self.lf || byte == Self.cr {
          finishLineBreak(byte)
          if ends.isEmpty {
            skippedBlankLines += 1
            startLine = line
            continue
          }
          ends.append(bytes.count)
          recordLine = startLine
          return true
        } else {
          bytes.append(byte)
          state = .unquoted
          stream.consumeRun(into: &bytes, stops: unquotedStops)
          try checkSize(bytes.count - fieldStart)
        }
      case .unquoted, .afterQuote:
        if byte == delimiter {
          ends.append(bytes.count)
          fieldStart = bytes.count
          state = .fieldStart
        } else if byte == Self.lf || byte == Self.cr {
          finishLineBreak(byte)
          ends.append(bytes.count)
          recordLine = startLine
          return true
        } else if state == .afterQuote {
          throw ImportError.textAfterQuote(path: path, line: line)
        } else {
          bytes.append(byte)
          stream.consumeRun(into: &bytes, stops: unquotedStops)
          try checkSize(bytes.count - fieldStart)
        }
      case .quoted:
        if byte == Self.quote {
          if stream.peek() == Self.quote {
            _ = stream.next()
            bytes.append(Self.quote)
          } else {
            state = .afterQuote
          }
        } else {
          bytes.append(byte)
          if byte == Self.lf || (byte == Self.cr && stream.peek() != Self.lf) {
            line += 1
          }
          stream.consumeRun(into: &bytes, stops: quotedStops)
          try checkSize(bytes.count - fieldStart)
        }
      }
    }
    switch state {
    case .quoted:
      throw ImportError.unterminatedQuote(path: path, line: quoteLine)
    case .fieldStart where ends.isEmpty:
      return false
    default:
      ends.append(bytes.count)
      recordLine = startLine
      return true
    }
  }

  @inline(__always)
  private func checkSize(_ size: Int) throws {
    if size > maximumFieldBytes {
      throw ImportError.fieldTooLarge(
        path: path, line: line, limit: maximumFieldBytes)
    }
  }

  /// Guesses the delimiter from the first record: the most frequent of `,`,
  /// `;` and tab outside quotes, preferring `,` on a tie.
  ///
  /// - Parameter path: The file to look at; only the first record is read.
  /// - Returns: The delimiter byte.
  /// - Throws: `ImportError` when the file cannot be opened.
  public static func detectDelimiter(path: String) throws -> UInt8 {
    try detectDelimiter(ByteStream(path: path))
  }

  /// Guesses the delimiter from the first record of a stream.
  public static func detectDelimiter(_ stream: ByteStream) -> UInt8 {
    let candidates: [UInt8] = [
      UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t"),
    ]
    var counts = [0, 0, 0]
    var isQuoted = false
    while let byte = stream.next() {
      if byte == quote {
        isQuoted.toggle()
      } else if !isQuoted {
        if byte == lf || byte == cr { break }
        if let index = candidates.firstIndex(of: byte) { counts[index] += 1 }
      }
    }
    var best = 0
    for index in 1..<candidates.count where counts[index] > counts[best] {
      best = index
    }
    return candidates[best]
  }
}
