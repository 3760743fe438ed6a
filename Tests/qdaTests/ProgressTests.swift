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
    let bar = "[####################] 100%  301 ("
    #expect(terminal.stdout.contains("reading \(Self.samples) \(bar)"))
    #expect(terminal.stdout.contains("coding \(bar)"))
    #expect(terminal.stdout.contains("/s)"))
    #expect(terminal.stdout.contains("[----------"), "the bar starts empty")
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
    #expect(!coded.stderr.contains("coding"))
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

  /// `qda run` draws a bar for each import and for coding, on a terminal only.
  @Test(
    .enabled(
      if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
  func runShowsProgressOnATerminal() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    for name in ["tty", "pipe"] {
      try """
      database: \(name).sqlite
      sources:
        - reports: '\(Self.samples)'
      codebook: '\(Self.codebook)'
      """.write(
        to: directory.url.appendingPathComponent("\(name).yml"),
        atomically: true, encoding: .utf8)
    }
    let qda = TestPaths.qdaExecutable.path
    let terminal = try CommandRunner.run(
      URL(fileURLWithPath: "/usr/bin/script"),
      ["-q", "-e", "-c", "'\(qda)' run tty.yml", "/dev/null"],
      in: directory.url)
    #expect(terminal.status == 0, "\(terminal.stdout)")
    #expect(
      terminal.stdout.contains(
        "reading work-reports.csv [####################] 100%  301 ("))
    #expect(terminal.stdout.contains("coding [####################] 100%"))
    let piped = try CommandRunner.qda(["run", "pipe.yml"], in: directory.url)
    #expect(piped.status == 0, "\(piped.stderr)")
    #expect(!piped.stderr.contains("["))
    #expect(piped.stderr.contains("import 1 changed sources"))
  }

  /// --verbose adds the steps, --quiet leaves only errors, and both together
  /// are a usage error.
  @Test func verboseAndQuietDoWhatTheySay() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let imported = try CommandRunner.qda(
      ["import", "reports", Self.samples, "--quiet"], in: directory.url)
    #expect(imported.status == 0)
    #expect(imported.stderr.isEmpty)
    let coded = try CommandRunner.qda(
      ["code", "auto", "--codebook", Self.codebook, "--quiet"],
      in: directory.url)
    #expect(coded.status == 0)
    let verbose = try CommandRunner.qda(
      [
        "freq", "--by", "code", "--output", "codes.csv", "--format", "csv",
        "--verbose",
      ],
      in: directory.url)
    #expect(verbose.status == 0)
    #expect(verbose.stderr.contains("wrote codes.csv ("))
    let plain = try CommandRunner.qda(
      ["freq", "--by", "code", "--output", "codes.csv", "--format", "csv"],
      in: directory.url)
    #expect(plain.stderr.isEmpty)
    let both = try CommandRunner.qda(
      ["freq", "--by", "code", "--quiet", "--verbose"], in: directory.url)
    #expect(both.status == 64)
    #expect(both.stderr.contains("--quiet and --verbose exclude each other"))
  }
}
