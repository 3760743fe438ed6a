import Foundation
import QDATestSupport
import Testing

/// No identifier of the corpus (`Tests/QDAImportTests/Fixtures/identifiers.tsv`)
/// reaches the database file, its WAL, an export or a report; `qda redact
/// --check` finds those imported with `--keep-identifiers`.
@Suite struct PrivacyTests {
  static let corpus = IdentifierSample.corpus

  /// One case per identifier, the identifier in the request.
  static var csv: String {
    "case_id,date,channel,request,services\n"
      + corpus.enumerated().map { index, sample in
        let quoted =
          "\"" + sample.text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        return
          "P\(index + 1),2020-04-0\(index % 9 + 1),direct message,\(quoted),Answered.\n"
      }.joined()
  }

  /// What must not appear: each identifier, and the digits of each phone
  /// and card number however grouped.
  static var needles: [String] {
    corpus.flatMap { sample -> [String] in
      let digits = sample.identifier.filter(\.isNumber)
      return [sample.identifier] + (digits.count >= 9 ? [digits] : [])
    }
  }

  @Test func noIdentifierReachesTheFileItsWALExportsOrReports() throws {
    #expect(Self.corpus.count >= 50)
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    func qda(_ arguments: [String]) throws -> CommandResult {
      let result = try CommandRunner.qda(arguments, in: directory.url)
      #expect(result.status == 0, "\(arguments): \(result.stderr)")
      return result
    }
    let data = try directory.write("clients.csv", Self.csv)
    let codebook = TestPaths.package("Codebooks/web-outreach.yml").path
    var printed = try qda(["import", "reports", data]).stderr
    printed += try qda(["code", "auto", "--codebook", codebook]).stdout
    for (arguments, file) in [
      (["export", "units", "--format", "csv"], "units.csv"),
      (["export", "units", "--format", "json"], "units.json"),
      (["export", "codings", "--format", "csv"], "codings.csv"),
      (["export", "tallies"], "tallies.csv"),
      (["report", "--format", "html"], "report.html"),
      (["report", "--format", "markdown"], "report.md"),
      (["find", "номер OR number OR карт*", "--format", "csv"], "find.csv"),
      (["quotes", "hybrid.offline-services"], "quotes.txt"),
    ] {
      _ = try qda(arguments + ["--output", file])
    }
    let redactCheck = try CommandRunner.qda(
      ["redact", "--check"], in: directory.url)
    #expect(redactCheck.status == 0, "\(redactCheck.stdout)")
    let files = try FileManager.default.contentsOfDirectory(
      atPath: directory.url.path
    )
    .filter { $0 != "clients.csv" }
    #expect(files.contains("qda.sqlite"))
    #expect(files.contains("report.html"))
    var contents = files.compactMap { name in
      FileManager.default.contents(atPath: directory.path(name)).map {
        (name, $0)
      }
    }
    contents.append(("command output", Data(printed.utf8)))
    for needle in Self.needles {
      for (name, bytes) in contents
      where bytes.range(of: Data(needle.utf8)) != nil {
        Issue.record("'\(needle)' found in \(name)")
      }
    }
    // The texts around the identifiers are kept.
    let units = try String(
      contentsOfFile: directory.path("units.csv"), encoding: .utf8)
    #expect(units.contains("Просил перезвонить на [phone] вечером."))
    #expect(units.contains("Перевести на карту [card] (Сбер)."))
  }

  @Test func redactCheckFindsIdentifiersKeptOnImport() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let data = try directory.write("clients.csv", Self.csv)
    #expect(
      try CommandRunner.qda(
        ["import", "reports", data, "--keep-identifiers"], in: directory.url
      )
      .status == 0)
    // Kept identifiers are in the file as written: the byte search above
    // would see them.
    let file = try #require(
      FileManager.default.contents(atPath: directory.path("qda.sqlite")))
    #expect(
      Self.needles.filter { file.range(of: Data($0.utf8)) != nil }.count >= 50)
    let result = try CommandRunner.qda(
      ["redact", "--check", "--format", "csv"], in: directory.url)
    #expect(result.status == 1)
    #expect(result.stderr.contains("identifiers left in"))
    let rows = result.stdout.split(separator: "\n").dropFirst()
    let units = Set(rows.map { $0.split(separator: ",")[0] })
    #expect(units.count == Self.corpus.count)
    for kind in ["phone", "email", "handle", "link", "card"] {
      #expect(rows.contains { $0.contains(",\(kind),") }, "\(kind)")
    }
    // It names where identifiers are, not what they are.
    for needle in Self.needles {
      #expect(
        !result.stdout.contains(needle) && !result.stderr.contains(needle))
    }
    let usage = try CommandRunner.qda(["redact"], in: directory.url)
    #expect(usage.status == 64)
  }
}
