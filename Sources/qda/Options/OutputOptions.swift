import ArgumentParser
import Foundation
import QDAReport

extension OutputFormat: ExpressibleByArgument {}

/// The `--format` and `--output` options of commands that print reports.
struct OutputOptions: ParsableArguments {
  @Option(help: "The output format: table, csv, json or markdown.")
  var format: OutputFormat = .table

  @Option(help: "Write to this file instead of standard output.")
  var output: String?

  @OptionGroup var logging: LoggingOptions

  /// Renders a report and writes it where the options say.
  func emit(_ report: any Report) throws {
    try write(format.render(report))
  }

  /// Writes text to the output file (atomically) or standard output.
  func write(_ text: String) throws {
    try writeOutput(text, to: output)
    if let output {
      logging.detail("wrote \(output) (\(plural(text.utf8.count, "byte")))")
    }
  }

}

/// Writes text to a file (atomically), or to standard output when `path` is `nil`.
func writeOutput(_ text: String, to path: String?) throws {
  guard let path else {
    FileHandle.standardOutput.write(Data(text.utf8))
    return
  }
  do {
    try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
  } catch {
    throw OutputError.cannotWrite(
      path: path, reason: error.localizedDescription)
  }
}

/// A report could not be written.
enum OutputError: Error, CustomStringConvertible {
  case cannotWrite(path: String, reason: String)

  var description: String {
    switch self {
    case .cannotWrite(let path, let reason):
      return "\(path): error: cannot write (\(reason))"
    }
  }
}
