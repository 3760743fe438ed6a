import Foundation
import QDATestSupport
import Testing

/// `qda purge --source NAME`: the source's text is gone from the file.
@Suite struct PurgeTests {
  @Test func purgedTextIsGoneFromTheFile() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    func qda(_ arguments: [String]) throws -> CommandResult {
      try CommandRunner.qda(arguments, in: directory.url)
    }
    let samples = TestPaths.package("Samples/work-reports.csv").path
    let codebook = TestPaths.package("Codebooks/web-outreach.yml").path
    let withdrawn = try directory.write(
      "withdrawn.csv",
      """
      case_id,date,channel,request,services
      W1,2020-05-01,direct message,Zyxwvut overdosed and is not breathing.,Called an ambulance.
      W2,2020-05-02,group chat,Zyxwvut asks where the bus stands.,Sent the route.

      """)
    #expect(try qda(["import", "reports", samples]).status == 0)
    #expect(try qda(["import", "reports", withdrawn]).status == 0)
    #expect(try qda(["code", "auto", "--codebook", codebook]).status == 0)
    #expect(
      try qda(["code", "add", "W1", "hybrid.overdose", "--coder", "anna"])
        .status
        == 0)
    func fileHoldsTheName() throws -> Bool {
      try FileManager.default.contentsOfDirectory(atPath: directory.url.path)
        .filter { $0.hasPrefix("qda.sqlite") }
        .contains { name in
          let bytes = try Data(
            contentsOf: directory.url.appendingPathComponent(name))
          return bytes.range(of: Data("yxwvut".utf8)) != nil
        }
    }
    #expect(try fileHoldsTheName(), "the text is stored before the purge")

    let purge = try qda(["purge", "--source", "withdrawn"])
    #expect(purge.status == 0, "\(purge.stderr)")
    #expect(purge.stderr.contains("purged 'withdrawn': 2 units"))
    #expect(
      try !fileHoldsTheName(), "no trace in the database, its index or WAL")
    let units = try qda(["export", "units", "--format", "csv"])
    #expect(!units.stdout.contains("W1"))
    #expect(units.stdout.contains("C301"))
    let codings = try qda(["export", "codings", "--format", "csv"])
    #expect(!codings.stdout.contains("W1"))
    let found = try qda(["find", "zyxwvut", "--format", "csv"])
    #expect(found.status == 0)
    #expect(!found.stdout.contains("W1"), "the full-text index forgot it")

    // An unknown source is a data error and changes nothing.
    let before = try Data(
      contentsOf: directory.url.appendingPathComponent("qda.sqlite"))
    let unknown = try qda(["purge", "--source", "withdrawn"])
    #expect(unknown.status == 65)
    #expect(unknown.stderr.contains("no source 'withdrawn'"))
    #expect(
      try Data(contentsOf: directory.url.appendingPathComponent("qda.sqlite"))
        == before)
  }
}
