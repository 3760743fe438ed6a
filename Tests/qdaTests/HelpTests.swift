import Foundation
import QDATestSupport
import Testing

/// Every `--help` is a golden file, so a changed interface shows in review.
@Suite struct HelpTests {
  static let commands: [[String]] = [
    [], ["import"], ["import", "reports"], ["codebook"], ["codebook", "lint"],
    ["code"],
    ["code", "auto"], ["freq"], ["find"], ["quotes"], ["import", "transcript"],
    ["export"], ["export", "units"], ["export", "codings"], ["code", "add"],
    ["code", "remove"], ["code", "import"], ["code", "list"],
    ["code", "review"],
    ["uncoded"], ["agree"], ["crosstab"], ["cooccur"], ["report"],
    ["export", "tallies"],
    ["export", "qdc"], ["export", "qdpx"], ["import", "qdpx"],
    ["run"], ["check"], ["diff"], ["backup"], ["purge"], ["redact"],
    ["import", "telegram"],
  ]

  @Test(arguments: commands) func helpMatchesGoldenFile(command: [String])
    throws
  {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let result = try CommandRunner.qda(command + ["--help"], in: directory.url)
    #expect(result.status == 0)
    let name = (["qda"] + command).joined(separator: "-") + ".txt"
    if let failure = Golden.check(
      result.stdout, named: name,
      in: TestPaths.package("Tests/qdaTests/Golden/help"))
    {
      Issue.record(Comment(rawValue: failure))
    }
  }

  /// `--quiet` and `--verbose` are accepted by every command that does work.
  @Test(
    arguments: commands.filter {
      ![[], ["import"], ["codebook"], ["code"], ["export"]].contains($0)
    })
  func everyCommandTakesQuietAndVerbose(command: [String]) throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let result = try CommandRunner.qda(command + ["--help"], in: directory.url)
    #expect(result.stdout.contains("--quiet"), "\(command)")
    #expect(result.stdout.contains("--verbose"), "\(command)")
  }

  /// Completion scripts come from the command definitions, so they know
  /// every subcommand.
  @Test(arguments: ["bash", "zsh", "fish"])
  func completionScriptsNameEveryCommand(shell: String) throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let result = try CommandRunner.qda(
      ["--generate-completion-script", shell], in: directory.url)
    #expect(result.status == 0)
    for command in [
      "import", "transcript", "auto", "freq", "run", "check", "diff",
    ] {
      #expect(result.stdout.contains(command), "\(shell): \(command)")
    }
  }

  @Test func versionIsPrinted() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let result = try CommandRunner.qda(["--version"], in: directory.url)
    #expect(result.status == 0)
    #expect(result.stdout.split(separator: ".").count == 3)
  }

  /// On Linux, `qda` allocates with jemalloc.
  ///
  /// glibc's malloc cost a bulk load a tenth more time (see
  /// Benchmarks/README.md). jemalloc prints its
  /// statistics at exit when `MALLOC_CONF` asks; glibc's malloc ignores the
  /// variable. Under AddressSanitizer (`ASAN_OPTIONS` set, as `.ci/run`
  /// sets it) the sanitizer's allocator takes malloc's place instead.
  @Test(
    .enabled(if: ProcessInfo.processInfo.environment["ASAN_OPTIONS"] == nil))
  func allocatesWithJemallocOnLinux() throws {
    #if os(Linux)
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let result = try CommandRunner.qda(
      ["--version"], in: directory.url,
      environment: ["MALLOC_CONF": "stats_print:true"])
    #expect(result.status == 0)
    #expect(result.stderr.contains("jemalloc statistics"))
    #endif
  }
}
