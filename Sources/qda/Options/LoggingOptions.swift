import ArgumentParser
import Foundation

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

/// A progress line on standard error: counts and rate, redrawn in place.
final class Progress {
  let label: String
  let isShown: Bool
  private let start = Date()
  private var lastDraw = Date.distantPast
  private var count = 0

  init(label: String, isShown: Bool) {
    self.label = label
    self.isShown = isShown
  }

  /// Records that `count` items are done; redraws at most ten times a second.
  func update(_ count: Int) {
    self.count = count
    guard isShown, Date().timeIntervalSince(lastDraw) >= 0.1 else { return }
    lastDraw = Date()
    draw()
  }

  private func draw() {
    let elapsed = max(Date().timeIntervalSince(start), 0.001)
    let rate = Int(Double(count) / elapsed)
    FileHandle.standardError.write(
      Data("\r\u{1B}[2K\(label): \(count) (\(rate)/s)".utf8))
  }

  /// Ends the line.
  func finish() {
    guard isShown else { return }
    draw()
    FileHandle.standardError.write(Data("\n".utf8))
  }
}
