import Foundation
import QDATestSupport
import Testing

/// The main job on the bundled samples, end to end through the built `qda`,
/// compared file by file with committed golden outputs.
@Suite(.serialized) struct PipelineTests {
  static let golden = TestPaths.package("Tests/qdaTests/Golden/pipeline")
  static let samples = TestPaths.package("Samples/work-reports.csv").path
  static let codebook = TestPaths.package("Codebooks/web-outreach.yml").path

  /// The commands of the pipeline and the golden file each one's output goes to.
  static let steps: [(name: String, arguments: [String], readsStderr: Bool)] = {
    var steps: [(String, [String], Bool)] = [
      ("import.stderr.txt", ["import", "reports", samples], true),
      ("code-auto.txt", ["code", "auto", "--codebook", codebook], false),
      (
        "code-auto.json",
        ["code", "auto", "--codebook", codebook, "--format", "json"], false
      ),
    ]
    let extensions = [
      "table": "txt", "csv": "csv", "json": "json", "markdown": "md",
    ]
    for by in ["code", "theme", "month", "channel"] {
      for format in ["table", "csv", "json", "markdown"] {
        steps.append(
          (
            "freq-\(by).\(extensions[format, default: format])",
            ["freq", "--by", by, "--format", format], false
          ))
      }
    }
    steps.append(
      ("freq-code-zeros.csv", ["freq", "--zeros", "--format", "csv"], false))
    for what in ["units", "codings"] {
      for format in ["csv", "json"] {
        steps.append(
          (
            "export-\(what).\(format)", ["export", what, "--format", format],
            false
          ))
      }
    }
    steps.append(("reimport.stderr.txt", ["import", "reports", samples], true))
    return steps
  }()

  /// Runs every step in a fresh directory and returns the outputs by name.
  func runPipeline() throws -> [String: String] {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    var outputs: [String: String] = [:]
    for step in Self.steps {
      let result = try CommandRunner.qda(step.arguments, in: directory.url)
      #expect(result.status == 0, "\(step.arguments): \(result.stderr)")
      outputs[step.name] = step.readsStderr ? result.stderr : result.stdout
    }
    return outputs
  }

  @Test func samplesMatchGoldenFilesAndRerunsAreByteIdentical() throws {
    let first = try runPipeline()
    for step in Self.steps {
      if let failure = Golden.check(
        first[step.name]!, named: step.name, in: Self.golden)
      {
        Issue.record(Comment(rawValue: failure))
      }
    }
    let second = try runPipeline()
    for step in Self.steps {
      #expect(
        first[step.name] == second[step.name],
        "\(step.name) differs between runs")
    }
  }

  @Test func outputOptionWritesTheSameBytesAsStandardOutput() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    _ = try CommandRunner.qda(
      ["import", "reports", Self.samples], in: directory.url)
    _ = try CommandRunner.qda(
      ["code", "auto", "--codebook", Self.codebook], in: directory.url)
    let printed = try CommandRunner.qda(
      ["freq", "--format", "json"], in: directory.url)
    let written = try CommandRunner.qda(
      ["freq", "--format", "json", "--output", directory.path("freq.json")],
      in: directory.url)
    #expect(written.status == 0)
    #expect(written.stdout.isEmpty)
    #expect(
      try String(contentsOfFile: directory.path("freq.json"), encoding: .utf8)
        == printed.stdout)
  }

  @Test func newDatabaseIsPrivate() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let result = try CommandRunner.qda(
      [
        "import", "reports", Self.samples, "--db",
        directory.path("study.sqlite"),
      ], in: directory.url)
    #expect(result.status == 0)
    let attributes = try FileManager.default.attributesOfItem(
      atPath: directory.path("study.sqlite"))
    #expect((attributes[.posixPermissions] as? Int) == 0o600)
  }

  @Test func databaseComesFromTheEnvironment() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let result = try CommandRunner.qda(
      ["import", "reports", Self.samples], in: directory.url,
      environment: ["QDA_DB": directory.path("env.sqlite")])
    #expect(result.status == 0)
    #expect(
      FileManager.default.fileExists(atPath: directory.path("env.sqlite")))
    #expect(
      !FileManager.default.fileExists(atPath: directory.path("qda.sqlite")))
  }
}
