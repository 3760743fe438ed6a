import Foundation

/// A small text file read whole and split into numbered lines.
///
/// Transcripts are read this way (they are small); line breaks may be CRLF,
/// LF or a lone CR, as in WebVTT.
struct TextFile {
  /// The file name for diagnostics.
  let path: String
  /// The lines, without their line breaks.
  let lines: [String]
  /// The encoding the bytes were in.
  let encoding: TextEncoding
  /// The SHA-256 of the bytes.
  let contentHash: String

  /// The largest transcript accepted: 64 MiB.
  static let maximumBytes = 64 << 20

  /// Reads a file.
  ///
  /// - Parameters:
  ///   - path: The file.
  ///   - encoding: The encoding it must be in, or `nil` to detect UTF-8 or
  ///     Windows-1251 as for CSV files.
  ///   - replacesNUL: Whether NUL becomes U+FFFD (WebVTT) rather than an error.
  /// - Throws: `ImportError` for a missing, empty, binary or wrongly encoded file.
  init(path: String, encoding: TextEncoding?, replacesNUL: Bool) throws {
    let survey = try EncodingDetector.survey(path: path, declared: encoding)
    guard survey.byteCount > 0 else { throw ImportError.emptyFile(path: path) }
    guard survey.byteCount <= Self.maximumBytes else {
      throw ImportError.transcript(
        path: path, line: 1,
        message: "the file is larger than 64 MiB; is it a transcript?")
    }
    guard var bytes = FileManager.default.contents(atPath: path).map(Array.init)
    else {
      throw ImportError.unreadable(path: path, reason: "cannot read")
    }
    if survey.hasByteOrderMark { bytes.removeFirst(3) }
    var text = survey.encoding.decode(bytes)
    if text.unicodeScalars.contains("\u{0}") {
      if replacesNUL {
        text = String(
          String.UnicodeScalarView(
            text.unicodeScalars.map { $0 == "\u{0}" ? "\u{FFFD}" : $0 }))
      } else {
        let line = text.prefix { $0 != "\u{0}" }.reduce(1) {
          $1.isNewline ? $0 + 1 : $0
        }
        throw ImportError.nulByte(path: path, line: line)
      }
    }
    self.path = path
    self.lines = Self.split(text)
    self.encoding = survey.encoding
    self.contentHash = survey.contentHash
  }

  /// Splits text at CRLF, LF and lone CR.
  static func split(_ text: String) -> [String] {
    var lines: [String] = []
    var current = String.UnicodeScalarView()
    var previousWasCR = false
    for scalar in text.unicodeScalars {
      if scalar == "\n" {
        if !previousWasCR { lines.append(String(current)) }
        current = String.UnicodeScalarView()
        previousWasCR = false
      } else if scalar == "\r" {
        lines.append(String(current))
        current = String.UnicodeScalarView()
        previousWasCR = true
      } else {
        current.append(scalar)
        previousWasCR = false
      }
    }
    // A final line break ends the last line rather than starting an empty one.
    if !current.isEmpty { lines.append(String(current)) }
    return lines
  }
}
