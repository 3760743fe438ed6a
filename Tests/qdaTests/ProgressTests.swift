import Foundation
import QDATestSupport
import Testing

/// Progress lines appear on a terminal and never in a pipe or a file.
@Suite struct ProgressTests {
  static let samples = TestPaths.package("Samples/work-reports.csv").path
  static let codebook = TestPaths.package("Codebooks/web-outreach.yml").path

  @Test(
    .enabled(
      if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
  func progressOnlyOnATerminal() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let qda = TestPaths.qdaExecutable.path
    // Under a pseudo-terminal (script(1) allocates one).
    let terminal = try CommandRunner.run(
      URL(fileURLWithPath: "/usr/bin/script"),
      [
        "-q", "-e", "-c",
        "'\(qda)' import reports '\(Self.samples)' --db tty.sqlite && '\(qda)' code auto --codebook '\(Self.codebook)' --db tty.sqlite",
        "/dev/null",
      ],
      in: directory.url)
    #expect(terminal.status == 0, "\(terminal.stdout)\(terminal.stderr)")
    #expect(terminal.stdout.contains("reading \(Self.samples): 301 ("))
    #expect(terminal.stdout.contains("coding: 301 ("))
    #expect(terminal.stdout.contains("/s)"))
    // Through a pipe: the same commands print no progress.
    let piped = try CommandRunner.qda(
      ["import", "reports", Self.samples, "--db", "pipe.sqlite"],
      in: directory.url)
    #expect(piped.status == 0)
    #expect(!piped.stderr.contains("reading"))
    #expect(!piped.stderr.contains("\r"))
    let coded = try CommandRunner.qda(
      ["code", "auto", "--codebook", Self.codebook, "--db", "pipe.sqlite"],
      in: directory.url)
    #expect(!coded.stderr.contains("coding:"))
    // --quiet silences even a terminal.
    let quiet = try CommandRunner.run(
      URL(fileURLWithPath: "/usr/bin/script"),
      [
        "-q", "-e", "-c",
        "'\(qda)' import reports '\(Self.samples)' --db quiet.sqlite --quiet",
        "/dev/null",
      ],
      in: directory.url)
    #expect(quiet.status == 0)
    #expect(!quiet.stdout.contains("reading"))
    #expect(!quiet.stdout.contains("imported"))
  }
}
