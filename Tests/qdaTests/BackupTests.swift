import Foundation
import QDATestSupport
import Testing

/// `qda backup FILE`: a checked, private, consistent copy.
@Suite struct BackupTests {
  @Test func backupIsAFaithfulPrivateCopy() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let samples = TestPaths.package("Samples/work-reports.csv").path
    let codebook = TestPaths.package("Codebooks/web-outreach.yml").path
    func qda(_ arguments: [String]) throws -> CommandResult {
      try CommandRunner.qda(arguments, in: directory.url)
    }
    #expect(try qda(["import", "reports", samples]).status == 0)
    #expect(try qda(["code", "auto", "--codebook", codebook]).status == 0)
    #expect(
      try qda(["code", "add", "C001", "hybrid.overdose", "--coder", "anna"])
        .status == 0)
    let backup = try qda(["backup", "copy.sqlite"])
    #expect(backup.status == 0, "\(backup.stderr)")
    #expect(backup.stderr.contains("backed up qda.sqlite to copy.sqlite"))
    let copy = directory.path("copy.sqlite")
    let mode =
      try FileManager.default.attributesOfItem(atPath: copy)[
        .posixPermissions] as? Int
    #expect(mode == 0o600)
    // The copy holds the same codings, by every coder.
    let original = try qda(["export", "codings", "--format", "csv"])
    let copied = try qda(["export", "codings", "--format", "csv", "--db", copy])
    #expect(copied.status == 0)
    #expect(copied.stdout == original.stdout)
    #expect(copied.stdout.contains("anna"))
    // An existing file is kept unless --force.
    let before = try Data(contentsOf: URL(fileURLWithPath: copy))
    #expect(
      try qda(["code", "remove", "C001", "hybrid.overdose", "--coder", "anna"])
        .status == 0)
    let refused = try qda(["backup", "copy.sqlite"])
    #expect(refused.status == 74)
    #expect(
      refused.stderr.contains(
        "copy.sqlite: error: cannot write the copy (it exists"))
    #expect(try Data(contentsOf: URL(fileURLWithPath: copy)) == before)
    #expect(try qda(["backup", "copy.sqlite", "--force"]).status == 0)
    let replaced = try qda([
      "export", "codings", "--format", "csv", "--db", copy,
    ])
    #expect(!replaced.stdout.contains("anna"))
    // Nothing is left behind, and a missing database is exit 66.
    let names = try FileManager.default.contentsOfDirectory(
      atPath: directory.url.path)
    #expect(!names.contains { $0.hasSuffix(".partial") })
    let missing = try qda(["backup", "x.sqlite", "--db", "none.sqlite"])
    #expect(missing.status == 66)
    #expect(!FileManager.default.fileExists(atPath: directory.path("x.sqlite")))
  }
}
