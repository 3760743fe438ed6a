import Foundation

/// The outcome of running a command: exit status and both output streams.
public struct CommandResult: Sendable, Equatable {
  /// The exit status.
  public var status: Int32
  /// Everything written to standard output.
  public var stdout: String
  /// Everything written to standard error.
  public var stderr: String
}

/// Runs the built `qda` (or any program) the way a user would.
public enum CommandRunner {
  /// Runs `qda` with arguments in a directory.
  ///
  /// - Parameters:
  ///   - arguments: The arguments after `qda`.
  ///   - directory: The working directory.
  ///   - environment: Extra environment variables (`QDA_DB` is removed unless given).
  /// - Returns: The exit status and both outputs.
  /// - Throws: When the program cannot be started.
  public static func qda(
    _ arguments: [String], in directory: URL,
    environment: [String: String] = [:]
  ) throws -> CommandResult {
    try run(
      TestPaths.qdaExecutable, arguments, in: directory,
      environment: environment)
  }

  /// Runs a program; output goes through temporary files so large outputs cannot block.
  public static func run(
    _ executable: URL, _ arguments: [String], in directory: URL,
    environment: [String: String] = [:]
  ) throws -> CommandResult {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = directory
    var variables = ProcessInfo.processInfo.environment
    variables.removeValue(forKey: "QDA_DB")
    variables.merge(environment) { $1 }
    process.environment = variables
    let outputs = FileManager.default.temporaryDirectory
      .appendingPathComponent("qda-run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(
      at: outputs, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: outputs) }
    let stdoutURL = outputs.appendingPathComponent("stdout")
    let stderrURL = outputs.appendingPathComponent("stderr")
    FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
    FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
    let stdout = try FileHandle(forWritingTo: stdoutURL)
    let stderr = try FileHandle(forWritingTo: stderrURL)
    process.standardOutput = stdout
    process.standardError = stderr
    process.standardInput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    try stdout.close()
    try stderr.close()
    return CommandResult(
      status: process.terminationStatus,
      stdout: String(decoding: try Data(contentsOf: stdoutURL), as: UTF8.self),
      stderr: String(decoding: try Data(contentsOf: stderrURL), as: UTF8.self))
  }
}

/// A fresh temporary directory per test, removed by `remove()`.
public struct TemporaryDirectory: Sendable {
  /// The directory.
  public let url: URL

  /// Creates an empty directory.
  public init() throws {
    url = FileManager.default.temporaryDirectory
      .appendingPathComponent("qda-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(
      at: url, withIntermediateDirectories: true)
  }

  /// A path inside the directory.
  public func path(_ name: String) -> String {
    url.appendingPathComponent(name).path
  }

  /// Writes a file and returns its path.
  @discardableResult
  public func write(_ name: String, _ text: String) throws -> String {
    try write(name, bytes: Array(text.utf8))
  }

  /// Writes a file of bytes and returns its path.
  @discardableResult
  public func write(_ name: String, bytes: [UInt8]) throws -> String {
    let url = self.url.appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url.path
  }

  /// Removes the directory.
  public func remove() { try? FileManager.default.removeItem(at: url) }
}
