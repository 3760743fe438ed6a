import ArgumentParser
import Foundation
import QDAProject

/// `--quiet` and `--verbose`, for commands that report what they do.
struct LoggingOptions: ParsableArguments {
  @Flag(help: "Print nothing but errors.")
  var quiet = false

  @Flag(help: "Print every step.")
  var verbose = false

  func validate() throws {
    if quiet && verbose {
      throw ValidationError("--quiet and --verbose exclude each other.")
    }
  }

  /// Prints a message unless quiet.
  func say(_ message: String) {
    if !quiet { printError(message) }
  }

  /// Prints a detail when verbose.
  func detail(_ message: String) {
    if verbose { printError(message) }
  }

  /// A progress line for long work, shown only on a terminal and unless quiet.
  func progress(_ label: String) -> Progress {
    Progress(label: label, isShown: !quiet && isatty(STDERR_FILENO) == 1)
  }
}

/// A progress bar on standard error, redrawn in place: the share done (when
/// known), the count and the rate.
///
///     reading work-reports.csv [##########----------]  50%  150 (3012/s)
final class Progress {
  let label: String
  let isShown: Bool
  private let start = Date()
  private var lastDraw = Date.distantPast
  private var count = 0
  private var fraction: Double?
  private static let width = 20

  init(label: String, isShown: Bool) {
    self.label = label
    self.isShown = isShown
  }

  /// The progress as the project runner and importers take it.
  var sink: ProgressSink {
    ProgressSink(update: { self.update($0, fraction: $1) }, finish: finish)
  }

  /// Records that `count` items are done, and the share done when known;
  /// redraws at most ten times a second.
  func update(_ count: Int, fraction: Double? = nil) {
    self.count = count
    self.fraction = fraction
    guard isShown, Date().timeIntervalSince(lastDraw) >= 0.1 else { return }
    lastDraw = Date()
    draw()
  }

  /// The line as drawn, without the control characters.
  var line: String {
    let elapsed = max(Date().timeIntervalSince(start), 0.001)
    let rate = Int(Double(count) / elapsed)
    guard let fraction else { return "\(label): \(count) (\(rate)/s)" }
    let share = min(max(fraction, 0), 1)
    let filled = Int((share * Double(Self.width)).rounded(.down))
    let bar =
      String(repeating: "#", count: filled)
      + String(repeating: "-", count: Self.width - filled)
    let percent = String(Int((share * 100).rounded(.down)))
    let padded = String(repeating: " ", count: 3 - percent.count) + percent
    return "\(label) [\(bar)] \(padded)%  \(count) (\(rate)/s)"
  }

  private func draw() {
    FileHandle.standardError.write(Data("\r\u{1B}[2K\(line)".utf8))
  }

  /// Ends the line.
  func finish() {
    guard isShown else { return }
    if fraction != nil { fraction = 1 }
    draw()
    FileHandle.standardError.write(Data("\n".utf8))
  }
}
