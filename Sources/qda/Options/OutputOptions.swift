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

  /// Writes a report row by row as `produce` adds the rows, so that it is
  /// never held whole: to standard output as it comes, or to a temporary
  /// file that replaces the output file once every row is written.
  ///
  /// - Parameters:
  ///   - columns: The report's columns.
  ///   - jsonMembers: The JSON object's members before the rows.
  ///   - jsonRowsKey: The JSON key of the rows; `nil`: the document is the
  ///     array of rows.
  ///   - produce: Adds the rows to the writer, `writer.passes` times.
  /// - Throws: What `produce` throws, or `OutputError`; an output file is
  ///   then left as it was.
  func stream(
    columns: [ReportTable.Column], jsonMembers: [(String, JSONValue)],
    jsonRowsKey: String?, _ produce: (inout RowWriter) throws -> Void
  ) throws {
    let sink = try OutputSink(path: output)
    do {
      var writer = RowWriter(
        format: format, columns: columns, jsonMembers: jsonMembers,
        jsonRowsKey: jsonRowsKey, output: sink.write)
      try produce(&writer)
      try writer.finish()
      try sink.finish()
    } catch {
      sink.discard()
      throw error
    }
    if let output {
      logging.detail("wrote \(output) (\(plural(sink.byteCount, "byte")))")
    }
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

/// Text written piece by piece, buffered: to standard output, or to a
/// temporary file beside the output file that replaces it at the end (so a
/// failed command leaves the old file as it was).
final class OutputSink {
  private let path: String?
  private let temporaryPath: String?
  private let handle: FileHandle
  private var buffer: [UInt8] = []
  /// The bytes written so far.
  private(set) var byteCount = 0

  /// Opens standard output, or a temporary file for `path`.
  init(path: String?) throws {
    self.path = path
    guard let path else {
      temporaryPath = nil
      handle = .standardOutput
      return
    }
    var template = Array((path + ".qda-XXXXXX").utf8CString)
    let descriptor = mkstemp(&template)
    guard descriptor >= 0 else {
      throw OutputError.cannotWrite(
        path: path, reason: String(cString: strerror(errno)))
    }
    temporaryPath = String(
      decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) },
      as: UTF8.self)
    // mkstemp makes the file private; an output file gets the mode any
    // other file would (as the reports written whole do).
    let mask = umask(0)
    umask(mask)
    fchmod(descriptor, 0o666 & ~mask)
    handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
  }

  /// Adds text; written out in pieces of 64 KiB.
  func write(_ text: String) throws {
    buffer.append(contentsOf: text.utf8)
    byteCount += text.utf8.count
    if buffer.count >= 1 << 16 { try flush() }
  }

  /// Writes what is buffered and, for a file, puts it in place.
  func finish() throws {
    try flush()
    guard let path, let temporaryPath else { return }
    try handle.close()
    guard rename(temporaryPath, path) == 0 else {
      throw OutputError.cannotWrite(
        path: path, reason: String(cString: strerror(errno)))
    }
  }

  /// Removes the temporary file after a failure.
  func discard() {
    guard let temporaryPath else { return }
    try? handle.close()
    unlink(temporaryPath)
  }

  private func flush() throws {
    guard !buffer.isEmpty else { return }
    defer { buffer.removeAll(keepingCapacity: true) }
    do {
      try handle.write(contentsOf: buffer)
    } catch {
      throw OutputError.cannotWrite(
        path: path ?? "standard output", reason: error.localizedDescription)
    }
  }
}
