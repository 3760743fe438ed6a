import Crypto
import Foundation

/// A character encoding that qda reads.
///
/// Work reports exported from Russian-locale spreadsheets are often
/// Windows-1251; everything else is UTF-8. Foundation on Linux has no
/// Windows-1251 decoder, so ``decode(_:)`` carries its own table.
public enum TextEncoding: String, Sendable, CaseIterable {
  /// UTF-8, with or without a byte order mark.
  case utf8 = "utf-8"
  /// Windows-1251 (Cyrillic), also known as CP1251.
  case windows1251 = "windows-1251"

  /// Parses a user-supplied encoding name (`utf-8`, `utf8`, `cp1251`, `windows-1251`).
  public init?(name: String) {
    switch name.lowercased() {
    case "utf-8", "utf8": self = .utf8
    case "windows-1251", "cp1251", "win1251", "cp-1251": self = .windows1251
    default: return nil
    }
  }

  /// Decodes bytes that were validated for this encoding.
  public func decode<Bytes: Collection>(_ bytes: Bytes) -> String
  where Bytes.Element == UInt8 {
    switch self {
    case .utf8:
      return String(decoding: bytes, as: UTF8.self)
    case .windows1251:
      var scalars = String.UnicodeScalarView()
      for byte in bytes {
        if byte < 0x80 {
          scalars.append(Unicode.Scalar(byte))
        } else if let scalar = Unicode.Scalar(Self.cp1251High[Int(byte - 0x80)])
        {
          scalars.append(scalar)
        }
      }
      return String(scalars)
    }
  }

  /// Windows-1251 bytes 0x80...0xFF as Unicode scalars; 0 marks the undefined 0x98.
  static let cp1251High: [UInt32] =
    [
      0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021,
      0x20AC, 0x2030, 0x0409, 0x2039, 0x040A, 0x040C, 0x040B, 0x040F,
      0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
      0x0000, 0x2122, 0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F,
      0x00A0, 0x040E, 0x045E, 0x0408, 0x00A4, 0x0490, 0x00A6, 0x00A7,
      0x0401, 0x00A9, 0x0404, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x0407,
      0x00B0, 0x00B1, 0x0406, 0x0456, 0x0491, 0x00B5, 0x00B6, 0x00B7,
      0x0451, 0x2116, 0x0454, 0x00BB, 0x0458, 0x0405, 0x0455, 0x0457,
    ] + (0x0410...0x044F).map { UInt32($0) }
}

/// What a first pass over a file learned: its encoding, hash and size.
public struct FileSurvey: Sendable, Equatable {
  /// The encoding the bytes are in.
  public var encoding: TextEncoding
  /// Whether the file starts with a UTF-8 byte order mark.
  public var hasByteOrderMark: Bool
  /// The SHA-256 of the file's bytes, lowercase hex.
  public var contentHash: String
  /// The file's size in bytes.
  public var byteCount: Int
}

/// Reads a file once to detect its encoding and hash it, in bounded memory.
///
/// Detection works line by line. A file with a BOM, or whose every line is
/// valid UTF-8, is UTF-8. A file with invalid UTF-8 and no line that is
/// non-ASCII valid UTF-8 is Windows-1251. A file that has both kinds of line
/// mixes encodings and is refused: decoding it either way would turn part of
/// it into mojibake.
public enum EncodingDetector {
  /// The UTF-8 byte order mark.
  static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

  /// Surveys the file at `path`.
  ///
  /// - Parameters:
  ///   - path: The file to read.
  ///   - declared: The encoding the user named, if any; then the file must be valid in it.
  /// - Returns: The encoding, hash and size of the file.
  /// - Throws: `ImportError` for a missing, unreadable or wrongly encoded file.
  public static func survey(path: String, declared: TextEncoding? = nil) throws
    -> FileSurvey
  {
    let stream = try ByteStream(path: path)
    // The hash on another core, from a second read of the file, while this
    // one walks the bytes: hashing was two thirds of the survey, which
    // every import waits for before it parses a row (233 MB: 0.5 s).
    let hash = FileHash(path: path)
    defer { hash.cancel() }
    var found = try survey(
      stream, path: path, declared: declared, hashes: false)
    found.contentHash = try hash.value()
    return found
  }

  /// Surveys a byte stream; `path` is only used in diagnostics.
  public static func survey(
    _ stream: ByteStream, path: String, declared: TextEncoding? = nil
  ) throws -> FileSurvey {
    try survey(stream, path: path, declared: declared, hashes: true)
  }

  /// Surveys a byte stream, hashing it when `hashes`.
  ///
  /// The hash is empty when not `hashes`. `decided` is called once, as soon
  /// as the encoding is certain: at the start when one is declared, after the byte order mark
  /// or the first line of valid non-ASCII UTF-8 when no invalid byte came
  /// before; otherwise not at all, and the encoding is the result's. The
  /// survey can still fail after that (an invalid byte in a file known to
  /// be UTF-8).
  static func survey(
    _ stream: ByteStream, path: String, declared: TextEncoding?, hashes: Bool,
    decided: (TextEncoding) -> Void = { _ in }
  ) throws -> FileSurvey {
    var hasher = SHA256()
    var line = 1
    var lineHasMultibyte = false
    var lineHasInvalid = false
    var firstUTF8Line: Int?
    var firstInvalid: (offset: Int, line: Int, byte: UInt8)?
    var firstUndefined1251: (offset: Int, line: Int)?
    var pendingContinuations = 0
    var sequenceStart = 0
    var sequenceLead: UInt8 = 0
    var count = 0
    var previousWasCR = false
    var head: [UInt8] = []
    var isDecided = false
    if let declared {
      decided(declared)
      isDecided = true
    }

    func endLine() {
      if lineHasMultibyte && !lineHasInvalid && firstUTF8Line == nil {
        firstUTF8Line = line
      }
      lineHasMultibyte = false
      lineHasInvalid = false
    }
    func markInvalid(at offset: Int, byte: UInt8) {
      lineHasInvalid = true
      if firstInvalid == nil { firstInvalid = (offset, line, byte) }
    }

    // A chunk at a time: hashed whole, then walked byte by byte, with a
    // tight path for the common case (ASCII other than line ends, outside
    // a multibyte sequence): 233 MB in 0.3 s rather than 1.8 s. Once
    // nothing but the first invalid byte is left to learn (the file is
    // declared UTF-8, or a line has shown it is UTF-8), `ValidUTF8Scan`
    // skips valid UTF-8 eight ASCII bytes at a time, counting line breaks.
    while stream.nextChunk({ bytes, chunkOffset -> Void in
      if hashes { hasher.update(bufferPointer: UnsafeRawBufferPointer(bytes)) }
      var position = 0
      while position < bytes.count {
        if firstInvalid == nil, pendingContinuations == 0,
          chunkOffset + position >= 3,
          declared == .utf8
            || (declared == nil
              && (firstUTF8Line != nil || head == Self.byteOrderMark))
        {
          let scan = ValidUTF8Scan(
            bytes, from: position, afterCR: previousWasCR)
          line += scan.lineBreaks
          previousWasCR = scan.endsWithCR
          position = scan.end
          if position == bytes.count { break }
        }
        let byte = bytes[position]
        position += 1
        if byte < 0x0D || (byte > 0x0D && byte < 0x80),
          byte != 0x0A, pendingContinuations == 0,
          chunkOffset + position > 3
        {
          previousWasCR = false
          continue
        }
        let offset = chunkOffset + position - 1
        if offset < 3 { head.append(byte) }
        if byte == 0x98, firstUndefined1251 == nil {
          firstUndefined1251 = (offset, line)
        }

        // UTF-8 validation (RFC 3629: no overlongs, no surrogates, max U+10FFFF).
        if pendingContinuations > 0 {
          var isValidContinuation = byte & 0xC0 == 0x80
          if isValidContinuation, offset == sequenceStart + 1 {
            switch sequenceLead {
            case 0xE0: isValidContinuation = byte >= 0xA0
            case 0xED: isValidContinuation = byte <= 0x9F
            case 0xF0: isValidContinuation = byte >= 0x90
            case 0xF4: isValidContinuation = byte <= 0x8F
            default: break
            }
          }
          if isValidContinuation {
            pendingContinuations -= 1
            if pendingContinuations == 0 { lineHasMultibyte = true }
            continue
          }
          markInvalid(at: sequenceStart, byte: sequenceLead)
          pendingContinuations = 0
        }
        switch byte {
        case 0x00...0x7F:
          if byte == 0x0A {
            if !previousWasCR {
              endLine()
              line += 1
            }
          } else if byte == 0x0D {
            endLine()
            line += 1
          }
        case 0xC2...0xDF: pendingContinuations = 1
        case 0xE0...0xEF: pendingContinuations = 2
        case 0xF0...0xF4: pendingContinuations = 3
        default: markInvalid(at: offset, byte: byte)
        }
        if pendingContinuations > 0 {
          sequenceStart = offset
          sequenceLead = byte
        }
        previousWasCR = byte == 0x0D
      }
      count = chunkOffset + bytes.count
      if !isDecided, firstInvalid == nil,
        firstUTF8Line != nil || head == Self.byteOrderMark
      {
        decided(.utf8)
        isDecided = true
      }
    }) != nil {}
    if pendingContinuations > 0 {
      markInvalid(at: sequenceStart, byte: sequenceLead)
    }
    endLine()
    let hash = hashes ? hasher.finalize().hexString : ""

    let hasBOM = head == Self.byteOrderMark
    let survey = { (encoding: TextEncoding) in
      FileSurvey(
        encoding: encoding, hasByteOrderMark: hasBOM && encoding == .utf8,
        contentHash: hash, byteCount: count)
    }

    switch declared {
    case .windows1251?:
      if let bad = firstUndefined1251 {
        throw ImportError.undefinedWindows1251(
          path: path, line: bad.line, offset: bad.offset)
      }
      return survey(.windows1251)
    case .utf8?:
      if let bad = firstInvalid {
        throw ImportError.invalidUTF8(
          path: path, line: bad.line, offset: bad.offset, byte: bad.byte,
          utf8Line: nil)
      }
      return survey(.utf8)
    case nil:
      guard let bad = firstInvalid else { return survey(.utf8) }
      if hasBOM || firstUTF8Line != nil {
        throw ImportError.invalidUTF8(
          path: path, line: bad.line, offset: bad.offset, byte: bad.byte,
          utf8Line: hasBOM ? 1 : firstUTF8Line)
      }
      if let undefined = firstUndefined1251 {
        throw ImportError.undefinedWindows1251(
          path: path, line: undefined.line, offset: undefined.offset)
      }
      return survey(.windows1251)
    }
  }
}

/// A run of valid UTF-8 and the line breaks in it.
///
/// The run starts at a character boundary and ends before the first byte
/// that does not continue it: an invalid byte, or a sequence cut off by the
/// end of the buffer. Line breaks count as the survey counts them: CR, LF,
/// and CR LF once. ASCII is read eight bytes at a time.
struct ValidUTF8Scan {
  /// Where the run ends: the buffer's end, or the byte that stopped it.
  var end: Int
  /// The line breaks in the run.
  var lineBreaks = 0
  /// Whether the run's last byte is a CR (so an LF after it ends no line).
  var endsWithCR: Bool

  /// Scans `bytes` from `start`.
  ///
  /// - Parameters:
  ///   - bytes: The buffer.
  ///   - start: The first byte of the run, at a character boundary.
  ///   - afterCR: Whether the byte before `start` was a CR.
  init(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, afterCR: Bool) {
    let count = bytes.count
    var index = start
    var breaks = 0
    var previousCR: UInt64 = afterCR ? 1 : 0
    guard let base = bytes.baseAddress else {
      (end, endsWithCR) = (start, afterCR)
      return
    }
    let highBits: UInt64 = 0x8080_8080_8080_8080
    let lowBits: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    /// The high bit of each byte of `word` that is zero.
    func zeroBytes(_ word: UInt64) -> UInt64 {
      ~(((word & lowBits) &+ lowBits) | word | lowBits)
    }
    scanning: while index < count {
      if count - index >= 8 {
        let word = UnsafeRawPointer(base + index).loadUnaligned(
          as: UInt64.self)
        if word & highBits == 0 {
          let lineFeeds = zeroBytes(word ^ 0x0A0A_0A0A_0A0A_0A0A)
          let returns = zeroBytes(word ^ 0x0D0D_0D0D_0D0D_0D0D)
          if lineFeeds | returns != 0 {
            // An LF right after a CR (in this word, or the last byte
            // before it) ends no further line.
            let paired = ((returns << 8) | (previousCR << 7)) & lineFeeds
            breaks +=
              returns.nonzeroBitCount + lineFeeds.nonzeroBitCount
              - paired.nonzeroBitCount
          }
          previousCR = returns >> 63
          index += 8
          continue
        }
      }
      let byte = base[index]
      if byte < 0x80 {
        if byte == 0x0D || (byte == 0x0A && previousCR == 0) { breaks += 1 }
        previousCR = byte == 0x0D ? 1 : 0
        index += 1
        continue
      }
      // A multibyte sequence (RFC 3629): the lead byte sets the length and
      // the range of the second byte (no overlongs, surrogates, or
      // scalars past U+10FFFF).
      let length: Int
      var secondRange: ClosedRange<UInt8> = 0x80...0xBF
      switch byte {
      case 0xC2...0xDF: length = 2
      case 0xE0: (length, secondRange) = (3, 0xA0...0xBF)
      case 0xED: (length, secondRange) = (3, 0x80...0x9F)
      case 0xE1...0xEF: length = 3
      case 0xF0: (length, secondRange) = (4, 0x90...0xBF)
      case 0xF4: (length, secondRange) = (4, 0x80...0x8F)
      case 0xF1...0xF3: length = 4
      default: break scanning
      }
      guard index + length <= count, secondRange.contains(base[index + 1])
      else { break scanning }
      for continuation in (index + 2)..<(index + length)
      where base[continuation] & 0xC0 != 0x80 {
        break scanning
      }
      previousCR = 0
      index += length
    }
    end = index
    lineBreaks = breaks
    endsWithCR = previousCR != 0
  }
}

/// The SHA-256 of a file's bytes, computed on a thread of its own from the
/// moment it is made.
final class FileHash: @unchecked Sendable {
  /// Guards `result` and `isCancelled`.
  private let lock = NSCondition()
  private var result: Result<String, any Error>?
  private var isCancelled = false

  init(path: String) {
    DispatchQueue.global(qos: .userInitiated).async { [self] in
      let outcome = Result { try hash(path) }
      lock.lock()
      result = outcome
      lock.broadcast()
      lock.unlock()
    }
  }

  /// Waits for the hash, lowercase hex.
  ///
  /// - Throws: `ImportError` when the file cannot be read.
  func value() throws -> String {
    lock.lock()
    defer { lock.unlock() }
    while true {
      if let result { return try result.get() }
      lock.wait()
    }
  }

  /// Stops hashing at the next chunk: the survey failed, and nobody will
  /// ask for the value.
  func cancel() {
    lock.lock()
    isCancelled = true
    lock.unlock()
  }

  private var cancelled: Bool {
    lock.lock()
    defer { lock.unlock() }
    return isCancelled
  }

  private func hash(_ path: String) throws -> String {
    let stream = try ByteStream(path: path, chunkSize: 1 << 20)
    var hasher = SHA256()
    while !cancelled,
      stream.nextChunk({ bytes, _ in
        hasher.update(bufferPointer: UnsafeRawBufferPointer(bytes))
      }) != nil
    {}
    return hasher.finalize().hexString
  }
}
