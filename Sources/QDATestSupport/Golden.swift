import Foundation

/// Golden files: expected outputs committed beside the tests.
///
/// `QDA_RECORD=1 swift test` rewrites a golden file from the actual output
/// and still reports a failure, so a recording never passes by accident.
public enum Golden {
  /// Whether this run records golden files.
  public static var isRecording: Bool {
    ProcessInfo.processInfo.environment["QDA_RECORD"] == "1"
  }

  /// Compares `actual` with the golden file `name` in `directory`.
  ///
  /// - Returns: `nil` when they match, otherwise a message for the failure.
  public static func check(
    _ actual: String, named name: String, in directory: URL
  ) -> String? {
    let url = directory.appendingPathComponent(name)
    if isRecording {
      try? FileManager.default.createDirectory(
        at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try? Data(actual.utf8).write(to: url)
      return "recorded \(name); run the tests again without QDA_RECORD"
    }
    guard let data = FileManager.default.contents(atPath: url.path) else {
      return "no golden file \(name); record it with QDA_RECORD=1 swift test"
    }
    let expected = String(decoding: data, as: UTF8.self)
    guard expected != actual else { return nil }
    let expectedLines = expected.split(
      separator: "\n", omittingEmptySubsequences: false)
    let actualLines = actual.split(
      separator: "\n", omittingEmptySubsequences: false)
    let firstDifference =
      zip(expectedLines, actualLines).enumerated().first {
        $0.element.0 != $0.element.1
      }?.offset
      ?? min(expectedLines.count, actualLines.count)
    let expectedLine =
      firstDifference < expectedLines.count
      ? String(expectedLines[firstDifference]) : "<end>"
    let actualLine =
      firstDifference < actualLines.count
      ? String(actualLines[firstDifference]) : "<end>"
    return """
      \(name) differs at line \(firstDifference + 1):
        expected: \(expectedLine)
        actual:   \(actualLine)
      If the change is intended, run QDA_RECORD=1 swift test and review the diff.
      """
  }

  /// Replaces volatile text (temporary paths) by placeholders.
  public static func scrub(_ text: String, replacing pairs: [(String, String)])
    -> String
  {
    pairs.reduce(text) { $0.replacingOccurrences(of: $1.0, with: $1.1) }
  }
}
