import Foundation
import QDATestSupport
import Testing

/// `qda code auto` does nothing when the same codebook already coded the same
/// units, and codes again when either changed.
@Suite struct AutoCodingTests {
  static let samples = TestPaths.package("Samples/work-reports.csv")
  static let codebook = TestPaths.package("Codebooks/web-outreach.yml")

  func database(_ directory: TemporaryDirectory) throws -> Data {
    try Data(contentsOf: directory.url.appendingPathComponent("qda.sqlite"))
  }

  @Test func unchangedCodebookAndUnitsDoNothing() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let csv = try String(contentsOf: Self.samples, encoding: .utf8)
    let data = try directory.write("reports.csv", csv)
    let codebookText = try String(contentsOf: Self.codebook, encoding: .utf8)
    let codebook = try directory.write("codebook.yml", codebookText)
    func code(_ extra: [String] = []) throws -> CommandResult {
      try CommandRunner.qda(
        ["code", "auto", "--codebook", codebook, "--format", "csv"] + extra,
        in: directory.url)
    }
    #expect(
      try CommandRunner.qda(["import", "reports", data], in: directory.url)
        .status == 0)
    let first = try code()
    #expect(first.status == 0)
    #expect(!first.stderr.contains("nothing to do"))
    #expect(first.stdout.contains("hybrid.overdose,4\n"))
    let before = try database(directory)

    // Same codebook, same units: nothing is written, the counts are the same.
    let second = try code()
    #expect(second.status == 0)
    #expect(second.stderr.contains("already coded these units; nothing to do"))
    #expect(second.stdout == first.stdout)
    #expect(try database(directory) == before, "the database is untouched")

    // --force codes again.
    let forced = try code(["--force"])
    #expect(!forced.stderr.contains("nothing to do"))
    #expect(forced.stdout == first.stdout)

    // A changed codebook codes again.
    _ = try directory.write(
      "codebook.yml",
      codebookText.replacingOccurrences(
        of: "version: 1.1.0", with: "version: 1.1.1"))
    let edited = try code()
    #expect(!edited.stderr.contains("nothing to do"))
    #expect(try code().stderr.contains("nothing to do"))

    // A new case codes again, and is coded.
    _ = try directory.write(
      "reports.csv",
      csv
        + "C999,2020-05-01,direct message,Friend is not breathing after a dose. What do I do?,Told them to call an ambulance and guided naloxone until it arrived.\n"
    )
    #expect(
      try CommandRunner.qda(["import", "reports", data], in: directory.url)
        .status == 0)
    let grown = try code()
    #expect(!grown.stderr.contains("nothing to do"))
    #expect(grown.stdout.contains("hybrid.overdose,5\n"))
  }
}
