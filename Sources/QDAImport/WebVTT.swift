/// A cue of a WebVTT or SRT file.
public struct Cue: Sendable, Equatable {
  /// The cue identifier (may be empty).
  public var id: String
  /// The start time in seconds.
  public var start: Double
  /// The end time in seconds.
  public var end: Double
  /// The cue text as written, tags included.
  public var text: String
  /// The line of the timing line.
  public var line: Int

  /// The parsed cue text.
  public var parsedText: CueText { CueText(text) }
}

/// A problem found while parsing a subtitle file, which the parser survived.
public struct SubtitleDiagnostic: Sendable, Equatable, CustomStringConvertible {
  /// Whether the problem loses data (an error for an import) or not.
  public var isError: Bool
  /// The line.
  public var line: Int
  /// What is wrong.
  public var message: String

  /// `line N: message`.
  public var description: String { "line \(line): \(message)" }
}

/// Parses WebVTT files by the W3C WebVTT parser algorithm.
///
/// The parser follows the specification: it skips the header, `NOTE`, `STYLE`
/// and `REGION` blocks, reads cue identifiers and timings (hours optional,
/// minutes and seconds below 60), ignores cue settings, and drops a cue whose
/// timing line is malformed or a block without one. Every such drop is
/// recorded as a diagnostic; `qda import transcript` refuses a file with any.
/// A file without the `WEBVTT` signature is not WebVTT and throws.
public enum WebVTTParser {
  /// The cues of a file and what the parser noticed.
  public struct Result: Sendable {
    /// The cues, in file order.
    public var cues: [Cue]
    /// Problems the parser survived.
    public var diagnostics: [SubtitleDiagnostic]
  }

  /// Parses a WebVTT file.
  ///
  /// - Parameter path: The file.
  /// - Returns: The cues and diagnostics.
  /// - Throws: `ImportError` for a missing, empty, non-UTF-8 or unsigned file.
  public static func parse(path: String) throws -> Result {
    let file = try TextFile(path: path, encoding: .utf8, replacesNUL: true)
    return try parse(lines: file.lines, path: path)
  }

  /// Parses WebVTT lines (line breaks already split, BOM removed).
  public static func parse(lines: [String], path: String) throws -> Result {
    guard let first = lines.first, isSignature(first) else {
      throw ImportError.transcript(
        path: path, line: 1,
        message: "not a WebVTT file: the first line must be 'WEBVTT'")
    }
    var cues: [Cue] = []
    var diagnostics: [SubtitleDiagnostic] = []
    var index = 1
    // The header: lines after the signature up to a blank line or a timing line.
    while index < lines.count, !lines[index].isEmpty,
      !lines[index].contains("-->")
    {
      index += 1
    }
    var seenCue = false
    while index < lines.count {
      if lines[index].isEmpty {
        index += 1
        continue
      }
      // Collect one block.
      let blockStart = index
      var buffer: [String] = []
      var lineCount = 0
      var seenArrow = false
      var cue: Cue?
      var timingFailed = false
      while index < lines.count {
        let line = lines[index]
        lineCount += 1
        if line.contains("-->") {
          if lineCount == 1 || (lineCount == 2 && !seenArrow) {
            seenArrow = true
            let id = buffer.joined(separator: "\n")
            buffer = []
            if let (start, end) = parseTimings(line) {
              cue = Cue(
                id: id, start: start, end: end, text: "", line: index + 1)
            } else {
              timingFailed = true
              diagnostics.append(
                SubtitleDiagnostic(
                  isError: true, line: index + 1,
                  message: "malformed cue timing '\(line)'"))
            }
            seenCue = true
            index += 1
            continue
          }
          break
        }
        index += 1
        if line.isEmpty { break }
        buffer.append(line)
      }
      if var cue {
        cue.text = buffer.joined(separator: "\n")
        cues.append(cue)
      } else if !timingFailed, let head = buffer.first {
        if head == "NOTE" || head.hasPrefix("NOTE ") || head.hasPrefix("NOTE\t")
        {
          continue
        }
        let isStyleOrRegion = ["STYLE", "REGION"].contains {
          head == $0 || head.hasPrefix($0 + " ") || head.hasPrefix($0 + "\t")
        }
        if isStyleOrRegion, !seenCue { continue }
        diagnostics.append(
          SubtitleDiagnostic(
            isError: true, line: blockStart + 1,
            message: "a block without a cue timing line is skipped"))
      }
    }
    return Result(cues: cues, diagnostics: diagnostics)
  }

  /// Whether a line is the WebVTT signature: `WEBVTT`, alone or followed by
  /// a space or tab and header text.
  static func isSignature(_ line: String) -> Bool {
    line == "WEBVTT" || line.hasPrefix("WEBVTT ") || line.hasPrefix("WEBVTT\t")
  }

  private static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
    scalar == " " || scalar == "\t" || scalar == "\u{0C}" || scalar == "\n"
      || scalar == "\r"
  }

  /// Parses `start --> end [settings]`; `nil` when malformed.
  static func parseTimings(_ line: String) -> (Double, Double)? {
    let scalars = Array(line.unicodeScalars)
    var position = 0
    func skipWhitespace() {
      while position < scalars.count, isWhitespace(scalars[position]) {
        position += 1
      }
    }
    skipWhitespace()
    guard let start = parseTimestamp(scalars, &position) else { return nil }
    skipWhitespace()
    guard position + 3 <= scalars.count,
      String(String.UnicodeScalarView(scalars[position..<position + 3]))
        == "-->"
    else { return nil }
    position += 3
    skipWhitespace()
    guard let end = parseTimestamp(scalars, &position) else { return nil }
    // The rest of the line holds cue settings, which qda does not need.
    return (start, end)
  }

  /// The WebVTT timestamp algorithm: `[hh:]mm:ss.ttt`, hours of any width.
  static func parseTimestamp(_ scalars: [Unicode.Scalar], _ position: inout Int)
    -> Double?
  {
    func digits() -> String {
      var result = ""
      while position < scalars.count, ("0"..."9").contains(scalars[position]) {
        result.unicodeScalars.append(scalars[position])
        position += 1
      }
      return result
    }
    func take(_ scalar: Unicode.Scalar) -> Bool {
      guard position < scalars.count, scalars[position] == scalar else {
        return false
      }
      position += 1
      return true
    }
    let first = digits()
    guard !first.isEmpty, let value1 = Double(first) else { return nil }
    let hasHours = first.count != 2 || value1 > 59
    guard take(":") else { return nil }
    let second = digits()
    guard second.count == 2, var value2 = Double(second) else { return nil }
    var hours = 0.0
    var value3: Double
    if hasHours || (position < scalars.count && scalars[position] == ":") {
      guard take(":") else { return nil }
      let third = digits()
      guard third.count == 2, let parsed = Double(third) else { return nil }
      hours = value1
      value3 = parsed
    } else {
      value3 = value2
      value2 = value1
    }
    guard take(".") else { return nil }
    let fraction = digits()
    guard fraction.count == 3, let milliseconds = Double(fraction) else {
      return nil
    }
    guard value2 <= 59, value3 <= 59 else { return nil }
    return hours * 3600 + value2 * 60 + value3 + milliseconds / 1000
  }
}
