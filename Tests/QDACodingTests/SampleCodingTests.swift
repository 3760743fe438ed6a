import Foundation
import QDACodebook
import QDACoding
import QDAImport
import QDATestSupport
import Testing

/// The shipped codebook against the codes the samples were written to carry.
@Suite struct SampleCodingTests {
  @Test func samplesAreCodedAsWritten() throws {
    let codebook = try Codebook.load(
      path: TestPaths.package("Codebooks/web-outreach.yml").path)
    let reader = try WorkReportReader(
      path: TestPaths.package("Samples/work-reports.csv").path)
    var expected: [String: (language: String, codes: Set<String>)] = [:]
    let gold = CSVReader(
      stream: try ByteStream(
        path: TestPaths.package(
          "Tests/QDACodingTests/Fixtures/samples-expected.csv"
        ).path))
    _ = try gold.next()
    while let record = try gold.next() {
      let fields = record.fields.map { String(decoding: $0, as: UTF8.self) }
      expected[fields[0]] = (
        fields[1], Set(fields[2].split(separator: ";").map(String.init))
      )
    }
    var units: [(id: String, unit: MatchableUnit, expected: Set<String>)] = []
    var russian: [(id: String, unit: MatchableUnit, expected: Set<String>)] = []
    while let report = try reader.next() {
      let gold = try #require(expected[report.id])
      let item = (
        report.id, MatchableUnit(kind: "case", texts: report.texts), gold.codes
      )
      units.append(item)
      if gold.language == "ru" { russian.append(item) }
    }
    #expect(units.count == 301)
    let all = CodingEvaluation(
      codebook: codebook, codes: reportCodes(codebook), units: units)
    print("Samples:\n" + all.summary)
    #expect(try #require(all.micro.f1) >= 0.90)
    let ru = CodingEvaluation(
      codebook: codebook, codes: reportCodes(codebook), units: russian)
    #expect(try #require(ru.micro.f1) >= 0.85)
  }
}
