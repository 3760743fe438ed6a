import Foundation

/// Parses SubRip (`.srt`) files.
///
/// A block is an index line (digits), a timing line
/// `hh:mm:ss,ttt --> hh:mm:ss,ttt` and text lines, blocks separated by blank
/// lines. Policies: a timing that uses `.` before the milliseconds is read,
/// with a warning; a block with no text is dropped, with a warning (the
/// numbering of the others is kept); a block without a timing line, or text
/// before the first block, is an error naming its line.
public enum SRTParser {
  /// Parses an SRT file.
  ///
  /// - Parameter path: The file.
  /// - Returns: The cues and the warnings.
  /// - Throws: `ImportError` for a missing, empty, binary or malformed file.
  public static func parse(path: String) throws -> WebVTTParser.Result {
    let file = try TextFile(path: path, encoding: nil, replacesNUL: false)
    return try parse(lines: file.lines, path: path)
  }

  /// Parses SRT lines.
  public static func parse(lines: [String], path: String) throws
    -> WebVTTParser.Result
  {
    var cues: [Cue] = []
    var diagnostics: [SubtitleDiagnostic] = []
    var index = 0
    while index < lines.count {
      if lines[index].trimmingCharacters(in: .whitespaces).isEmpty {
        index += 1
        continue
      }
      let blockStart = index
      var block: [String] = []
      while index < lines.count,
        !lines[index].trimmingCharacters(in: .whitespaces).isEmpty
      {
        block.append(lines[index])
        index += 1
      }
      let number = block[0].trimmingCharacters(in: .whitespaces)
      guard !number.isEmpty, number.allSatisfy(\.isASCII),
        number.allSatisfy(\.isNumber)
      else {
        throw ImportError.transcript(
          path: path, line: blockStart + 1,
          message: "not an SRT file: expected a cue number, found text")
      }
      guard block.count >= 2, block[1].contains("-->") else {
        throw ImportError.transcript(
          path: path, line: blockStart + 1,
          message: "cue \(number) has no timing line")
      }
      guard let (start, end, usedDot) = parseTimings(block[1]) else {
        throw ImportError.transcript(
          path: path, line: blockStart + 2,
          message: "malformed timing '\(block[1])'")
      }
      if usedDot {
        diagnostics.append(
          SubtitleDiagnostic(
            isError: false, line: blockStart + 2,
            message: "'.' before milliseconds read as ','"))
      }
      let text = block.dropFirst(2).joined(separator: "\n")
      if text.isEmpty {
        diagnostics.append(
          SubtitleDiagnostic(
            isError: false, line: blockStart + 1,
            message: "cue \(number) has no text; dropped"))
        continue
      }
      cues.append(
        Cue(
          id: number, start: start, end: end, text: text, line: blockStart + 2))
    }
    return WebVTTParser.Result(cues: cues, diagnostics: diagnostics)
  }

  /// Parses `hh:mm:ss,ttt --> hh:mm:ss,ttt`; also reports whether `.` was used.
  static func parseTimings(_ line: String) -> (Double, Double, Bool)? {
    let parts = line.components(separatedBy: "-->")
    guard parts.count == 2 else { return nil }
    var usedDot = false
    func timestamp(_ text: String) -> Double? {
      let trimmed =
        text.trimmingCharacters(in: .whitespaces)
        .split(separator: " ").first.map(String.init) ?? ""
      let fields = trimmed.split(
        separator: ":", omittingEmptySubsequences: false)
      guard fields.count == 3 else { return nil }
      let secondsParts: [Substring]
      if fields[2].contains(",") {
        secondsParts = fields[2].split(
          separator: ",", omittingEmptySubsequences: false)
      } else {
        secondsParts = fields[2].split(
          separator: ".", omittingEmptySubsequences: false)
        usedDot = true
      }
      guard secondsParts.count == 2, let hours = Int(fields[0]),
        let minutes = Int(fields[1]),
        fields[1].count == 2, secondsParts[0].count == 2,
        (1...3).contains(secondsParts[1].count),
        let seconds = Int(secondsParts[0]),
        let milliseconds = Int(secondsParts[1]),
        minutes < 60, seconds < 60, hours >= 0
      else { return nil }
      let fraction = Double(milliseconds) / pow10(secondsParts[1].count)
      return Double(hours * 3600 + minutes * 60 + seconds) + fraction
    }
    guard let start = timestamp(parts[0]), let end = timestamp(parts[1]) else {
      return nil
    }
    return (start, end, usedDot)
  }

  private static func pow10(_ exponent: Int) -> Double {
    (0..<exponent).reduce(1.0) { value, _ in value * 10 }
  }
}
