/// A JSON value as ``JSONReader`` reads it.
///
/// Numbers keep their text.
enum JSONValue: Sendable {
  case null
  case bool(Bool)
  case number(String)
  case string(String)
  case array([JSONValue])
  /// An object's members in order. Looked up one by one: a message has a
  /// dozen, and hashing every key for a dictionary cost more (a million
  /// messages: 0.5 s of a reading thread's 14 s).
  case object([(key: String, value: JSONValue)])

  /// The string, if this is one.
  var string: String? {
    if case .string(let value) = self { return value }
    return nil
  }

  /// The member `key`, if this is an object that has it; of a key given
  /// twice, the last value.
  subscript(key: String) -> JSONValue? {
    guard case .object(let members) = self else { return nil }
    return members.last { $0.key == key }?.value
  }
}

/// Reads JSON from a file a value at a time, so that an export of a million
/// messages is never in memory at once: a caller steps through the members
/// of the outer object and the elements of a long array, and reads each
/// element whole.
///
/// Strict JSON (RFC 8259), with two leniencies: `\xHH`, which Telegram
/// Desktop writes for control characters (tdesktop#27571), is read as the
/// character U+00HH; and a comma may end an array or an object, as
/// Foundation's parser allows (an export edited by hand). The escape is recognised by the string's own lexer, so
/// an escaped backslash before `x01` (`"C:\\x01"`) stays the text `C:\x01`,
/// which a repair by search and replace would break. A decoded NUL becomes
/// U+FFFD, as qda's texts hold no NUL.
///
/// Hand-written: Foundation's `JSONSerialization` and `JSONDecoder` read a
/// whole document into memory (gigabytes for a large chat's export) and
/// refuse `\x`.
struct JSONReader {
  /// The file, for messages.
  let path: String
  /// The line of the next byte.
  private(set) var line = 1
  /// The file, read a chunk at a time into `chunk`.
  private let stream: ByteStream
  /// The bytes read from the stream, of which `chunk[position...]` are
  /// still to be read.
  ///
  /// Copied out of the stream (64 KiB at a time) so that the byte-by-byte
  /// work is on this value's own fields: through the stream, a class, every
  /// byte's `peek` and `next` checked exclusive access at run time (7 % of
  /// the reading thread).
  private var chunk: [UInt8] = []
  private var position = 0
  /// The stream offset of `chunk[0]`.
  private var chunkOffset = 0
  /// Bytes of the string being read.
  private var scratch: [UInt8] = []

  /// How deeply arrays and objects may nest in one value.
  static let maximumDepth = 200
  /// The longest string, in bytes.
  static let maximumStringBytes = 64 << 20

  init(path: String, stream: ByteStream) {
    self.path = path
    self.stream = stream
  }

  /// How many bytes were read.
  var offset: Int { chunkOffset + position }

  /// Whether the file has no byte left.
  mutating func isAtEnd() -> Bool { peek() == nil }

  /// Skips a UTF-8 byte order mark, which some editors add.
  mutating func skipByteOrderMark() {
    guard position + 3 <= chunk.count || refillKeeping() else { return }
    if chunk.count - position >= 3, chunk[position] == 0xEF,
      chunk[position + 1] == 0xBB, chunk[position + 2] == 0xBF
    {
      position += 3
    }
  }

  // MARK: Stepping through

  /// Reads the `{` that opens an object.
  mutating func beginObject() throws {
    try expect(UInt8(ascii: "{"), "expected an object ('{')")
  }

  /// Reads the next member's key and its `:`, or the closing `}`.
  ///
  /// - Parameter isFirst: Whether no member was read yet.
  /// - Returns: The key, or `nil` when the object closed.
  /// - Throws: `ImportError.json` for anything else.
  mutating func nextKey(isFirst: Bool) throws -> String? {
    skipWhitespace()
    if !isFirst, peek() != UInt8(ascii: "}") {
      try expect(UInt8(ascii: ","), "expected ',' or '}'")
      skipWhitespace()
    }
    // After a comma too: a trailing comma is allowed.
    if peek() == UInt8(ascii: "}") {
      advance()
      return nil
    }
    guard peek() == UInt8(ascii: "\"") else {
      throw error("expected a member name in double quotes")
    }
    let key = try readString()
    try expect(UInt8(ascii: ":"), "expected ':' after a member name")
    return key
  }

  /// Reads the `[` that opens an array.
  mutating func beginArray() throws {
    try expect(UInt8(ascii: "["), "expected an array ('[')")
  }

  /// Whether another element follows (and its `,` and the whitespace
  /// before it were read), or the array closed (and its `]` was read).
  mutating func hasElement(isFirst: Bool) throws -> Bool {
    skipWhitespace()
    if !isFirst, peek() != UInt8(ascii: "]") {
      try expect(UInt8(ascii: ","), "expected ',' or ']'")
      // `line` is then the element's.
      skipWhitespace()
    }
    // After a comma too: a trailing comma is allowed.
    if peek() == UInt8(ascii: "]") {
      advance()
      return false
    }
    return true
  }

  /// Whether the next value (after whitespace) starts with `byte`: `{` for
  /// an object, `[` for an array.
  mutating func nextValueStarts(with byte: UInt8) -> Bool {
    skipWhitespace()
    return peek() == byte
  }

  /// Reads one value and drops it, an array's elements and an object's
  /// members one at a time: memory holds one of them, however large the
  /// value (the other chats of a whole-account export).
  mutating func skipValue() throws {
    try skipValue(depth: 0)
  }

  private mutating func skipValue(depth: Int) throws {
    let isArray = nextValueStarts(with: UInt8(ascii: "["))
    guard isArray || nextValueStarts(with: UInt8(ascii: "{")) else {
      _ = try readValue(depth: depth)
      return
    }
    guard depth < Self.maximumDepth else {
      throw error("arrays and objects nested over \(Self.maximumDepth) deep")
    }
    var isFirst = true
    if isArray {
      try beginArray()
      while try hasElement(isFirst: isFirst) {
        isFirst = false
        try skipValue(depth: depth + 1)
      }
    } else {
      try beginObject()
      while try nextKey(isFirst: isFirst) != nil {
        isFirst = false
        try skipValue(depth: depth + 1)
      }
    }
  }

  /// Checks that nothing but whitespace follows the document.
  mutating func end() throws {
    skipWhitespace()
    if peek() != nil { throw error("text after the end of the JSON") }
  }

  // MARK: Values

  /// Reads one value whole.
  mutating func readValue() throws -> JSONValue {
    try readValue(depth: 0)
  }

  private mutating func readValue(depth: Int) throws -> JSONValue {
    skipWhitespace()
    guard let byte = peek() else {
      throw error("the file ends where a value should be")
    }
    switch byte {
    case UInt8(ascii: "\""):
      return .string(try readString())
    case UInt8(ascii: "{"), UInt8(ascii: "["):
      guard depth < Self.maximumDepth else {
        throw error("arrays and objects nested over \(Self.maximumDepth) deep")
      }
      if byte == UInt8(ascii: "[") {
        try beginArray()
        var elements: [JSONValue] = []
        while try hasElement(isFirst: elements.isEmpty) {
          elements.append(try readValue(depth: depth + 1))
        }
        return .array(elements)
      }
      try beginObject()
      var members: [(key: String, value: JSONValue)] = []
      while let key = try nextKey(isFirst: members.isEmpty) {
        members.append((key, try readValue(depth: depth + 1)))
      }
      return .object(members)
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
      return .number(try readNumber())
    case UInt8(ascii: "a")...UInt8(ascii: "z"):
      var word: [UInt8] = []
      while let next = peek(),
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(next), word.count < 8
      {
        word.append(next)
        advance()
      }
      switch String(decoding: word, as: UTF8.self) {
      case "true": return .bool(true)
      case "false": return .bool(false)
      case "null": return .null
      default: throw error("unexpected word where a value should be")
      }
    default:
      throw error("unexpected character where a value should be")
    }
  }

  /// Reads a number (RFC 8259's grammar), as its text.
  private mutating func readNumber() throws -> String {
    var text: [UInt8] = []
    /// Takes the next byte if it is `first` or `second`.
    func take(_ first: Character, or second: Character? = nil) -> Bool {
      guard let byte = peek(),
        byte == first.asciiValue || byte == second?.asciiValue
      else { return false }
      text.append(byte)
      advance()
      return true
    }
    /// Takes a run of digits; whether it has one to a thousand.
    func digits() -> Bool {
      var count = 0
      // A number of a thousand digits is not a message id.
      while count <= 1000, let byte = peek(),
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
      {
        text.append(byte)
        advance()
        count += 1
      }
      return (1...1000).contains(count)
    }
    _ = take("-")
    let integer = text.count
    // One digit or more, and no leading zero (`01`).
    var isValid =
      digits()
      && (text.count - integer == 1 || text[integer] != UInt8(ascii: "0"))
    if isValid, take(".") { isValid = digits() }
    if isValid, take("e", or: "E") {
      _ = take("+", or: "-")
      isValid = digits()
    }
    guard isValid else { throw error("malformed number") }
    return String(decoding: text, as: UTF8.self)
  }

  /// Reads a string from its opening quote through its closing one.
  private mutating func readString() throws -> String {
    let startLine = line
    advance()  // the opening quote
    scratch.removeAll(keepingCapacity: true)
    while true {
      // Plain bytes in one copy; the loop goes on from a quote, a
      // backslash or a control character.
      consumeStringRun()
      guard let byte = next() else {
        throw error("a string that never closes", line: startLine)
      }
      if scratch.count > Self.maximumStringBytes {
        throw error(
          "a string of over \(Self.maximumStringBytes >> 20) MiB",
          line: startLine)
      }
      switch byte {
      case UInt8(ascii: "\""):
        // Validated here, then decoded: `String(validating:as:)` looked up
        // generic metadata on every call (5 % of the reading thread).
        guard
          scratch.withUnsafeBufferPointer({
            ValidUTF8Scan($0, from: 0, afterCR: false).end == $0.count
          })
        else {
          throw error("a string that is not valid UTF-8", line: startLine)
        }
        return String(decoding: scratch, as: UTF8.self)
      case UInt8(ascii: "\\"):
        try readEscape()
      case 0x0A:
        throw error("a line break inside a string (write it as \\n)")
      case 0..<0x20:
        throw error(
          "a control character inside a string (write it as \\u00XX)")
      default:
        scratch.append(byte)
      }
    }
  }

  /// Reads what follows a backslash in a string into `scratch`.
  private mutating func readEscape() throws {
    guard let kind = next() else {
      throw error("a string that never closes")
    }
    switch kind {
    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"):
      scratch.append(kind)
    case UInt8(ascii: "b"): scratch.append(0x08)
    case UInt8(ascii: "f"): scratch.append(0x0C)
    case UInt8(ascii: "n"): scratch.append(0x0A)
    case UInt8(ascii: "r"): scratch.append(0x0D)
    case UInt8(ascii: "t"): scratch.append(0x09)
    case UInt8(ascii: "x"):
      append(scalar: try hexDigits(2, escape: "\\x"))
    case UInt8(ascii: "u"):
      var value = try hexDigits(4, escape: "\\u")
      if (0xD800..<0xDC00).contains(value) {
        // A high surrogate pairs with a low one that follows at once.
        if peek() == UInt8(ascii: "\\") {
          advance()
          guard next() == UInt8(ascii: "u") else {
            append(scalar: 0xFFFD)
            throw error("a broken surrogate pair in a \\u escape")
          }
          let low = try hexDigits(4, escape: "\\u")
          if (0xDC00..<0xE000).contains(low) {
            value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
          } else {
            append(scalar: 0xFFFD)
            value = low
          }
        }
      }
      append(scalar: value)
    default:
      throw error("unknown escape in a string")
    }
  }

  /// Reads `count` hexadecimal digits.
  private mutating func hexDigits(_ count: Int, escape: String) throws -> UInt32
  {
    var value: UInt32 = 0
    for _ in 0..<count {
      guard let byte = next() else {
        throw error("a string that never closes")
      }
      let digit: UInt8
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"):
        digit = byte - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"):
        digit = byte - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"):
        digit = byte - UInt8(ascii: "A") + 10
      default: throw error("\(escape) needs \(count) hexadecimal digits")
      }
      value = value << 4 | UInt32(digit)
    }
    return value
  }

  /// Appends a scalar's UTF-8 to `scratch`: U+FFFD for NUL and for a lone
  /// surrogate.
  private mutating func append(scalar value: UInt32) {
    let scalar =
      value == 0 ? "\u{FFFD}" : Unicode.Scalar(value) ?? "\u{FFFD}"
    UTF8.encode(scalar) { scratch.append($0) }
  }

  // MARK: Bytes

  /// The bytes that end a run of a string's plain bytes.
  ///
  /// The closing quote, a backslash and the control characters. Made once,
  /// never freed, and only read (so shared unguarded).
  nonisolated(unsafe) private static let stringStops: UnsafePointer<Bool> = {
    let flags = UnsafeMutablePointer<Bool>.allocate(capacity: 256)
    flags.initialize(repeating: false, count: 256)
    for byte in 0..<0x20 { flags[byte] = true }
    flags[Int(UInt8(ascii: "\""))] = true
    flags[Int(UInt8(ascii: "\\"))] = true
    return UnsafePointer(flags)
  }()

  /// The next byte, or `nil` at the end.
  @inline(__always)
  private mutating func peek() -> UInt8? {
    if position == chunk.count, !refill() { return nil }
    return chunk[position]
  }

  /// Consumes and returns the next byte, or `nil` at the end.
  @inline(__always)
  private mutating func next() -> UInt8? {
    guard let byte = peek() else { return nil }
    position += 1
    return byte
  }

  /// Consumes the next byte, which `peek` returned.
  @inline(__always)
  private mutating func advance() {
    position += 1
  }

  /// Reads the stream's next chunk in place of the read one; whether there
  /// is a byte to read.
  private mutating func refill() -> Bool {
    chunkOffset += chunk.count
    position = 0
    chunk.removeAll(keepingCapacity: true)
    return refillKeeping()
  }

  /// Appends the stream's next chunk to the unread bytes; whether any came.
  private mutating func refillKeeping() -> Bool {
    if position > 0 {
      chunk.removeFirst(position)
      chunkOffset += position
      position = 0
    }
    let read = stream.nextChunk { bytes, offset in
      if chunk.isEmpty { chunkOffset = offset }
      chunk.append(contentsOf: bytes)
    }
    return read != nil
  }

  /// Consumes a string's plain bytes, up to a quote, a backslash or a
  /// control character (or the end of the file), appending them to
  /// `scratch`.
  private mutating func consumeStringRun() {
    let stops = Self.stringStops
    while position < chunk.count || refill() {
      let start = position
      let stop = chunk.withUnsafeBufferPointer { chunk in
        var stop = start
        while stop < chunk.count, !stops[Int(chunk[stop])] { stop += 1 }
        return stop
      }
      chunk.withUnsafeBufferPointer {
        scratch.append(
          contentsOf: UnsafeBufferPointer(rebasing: $0[start..<stop]))
      }
      position = stop
      if stop < chunk.count { return }
    }
  }

  /// Consumes spaces, tabs, CRs and LFs, counting the lines.
  private mutating func skipWhitespace() {
    while position < chunk.count || refill() {
      let start = position
      var lineFeeds = 0
      let stop = chunk.withUnsafeBufferPointer { chunk in
        var stop = start
        scan: while stop < chunk.count {
          switch chunk[stop] {
          case 0x0A: lineFeeds += 1
          case 0x20, 0x09, 0x0D: break
          default: break scan
          }
          stop += 1
        }
        return stop
      }
      position = stop
      line += lineFeeds
      if stop < chunk.count { return }
    }
  }

  private mutating func expect(_ byte: UInt8, _ message: String) throws {
    skipWhitespace()
    guard peek() == byte else {
      throw error(
        peek() == nil ? "the file ends early; \(message)" : message)
    }
    advance()
  }

  /// An error at the current line, or at `line`.
  func error(_ message: String, line: Int? = nil) -> ImportError {
    .json(path: path, line: line ?? self.line, message: message)
  }
}
