import Foundation
import QDATestSupport
import Testing

/// The samples mirror the study's shares (issue 2, item 7), as the shipped
/// codebook codes them: `qda freq --by code --format csv`.
@Suite struct DistributionTests {
  struct Frequencies {
    var cases: [String: Int] = [:]
    var percent: [String: Double] = [:]
    var byMonth: [String: [String: Int]] = [:]
    var months: [String] = []
  }

  func frequencies() throws -> Frequencies {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let samples = TestPaths.package("Samples/work-reports.csv").path
    let codebook = TestPaths.package("Codebooks/web-outreach.yml").path
    #expect(
      try CommandRunner.qda(["import", "reports", samples], in: directory.url)
        .status == 0)
    #expect(
      try CommandRunner.qda(
        ["code", "auto", "--codebook", codebook], in: directory.url
      ).status == 0)
    let byCode = try CommandRunner.qda(
      ["freq", "--by", "code", "--format", "csv"], in: directory.url)
    let lines = byCode.stdout.split(separator: "\n")
    #expect(lines.first?.hasPrefix("code,cases,percent") == true)
    var result = Frequencies()
    for line in lines.dropFirst() {
      let fields = line.split(separator: ",", maxSplits: 3)
      result.cases[String(fields[0])] = Int(fields[1])
      result.percent[String(fields[0])] = Double(fields[2])
    }
    let byMonth = try CommandRunner.qda(
      ["freq", "--by", "month", "--format", "csv"], in: directory.url)
    let monthLines = byMonth.stdout.split(separator: "\n").map {
      $0.split(separator: ",").map(String.init)
    }
    result.months = Array(monthLines[0].dropFirst().dropLast())
    for line in monthLines.dropFirst() {
      result.byMonth[line[0]] = Dictionary(
        uniqueKeysWithValues: zip(
          result.months, line.dropFirst().compactMap { Int($0) }))
    }
    return result
  }

  @Test func samplesMirrorTheStudy() throws {
    let f = try frequencies()
    // 301 cases, November 2019 to June 2020.
    #expect(
      f.months == [
        "2019-11", "2019-12", "2020-01", "2020-02", "2020-03", "2020-04",
        "2020-05", "2020-06",
      ])
    // About a third ask for offline medical, psychological, social or legal services.
    #expect((28.0...36.0).contains(f.percent["hybrid.offline-services"] ?? 0))
    // About a sixth for harm reduction information.
    #expect(
      (13.0...19.0).contains(f.percent["online-only.hr-information"] ?? 0))
    // Minor complications: the most common online-only need.
    let onlineOnly = f.cases.filter { $0.key.hasPrefix("online-only.") }
    #expect(
      onlineOnly.max { $0.value < $1.value }?.key
        == "online-only.minor-complications")
    // Five at-home detox questions, four overdoses.
    #expect(f.cases["online-only.detox-information"] == 5)
    #expect(f.cases["hybrid.overdose"] == 4)
    // COVID-19 requests only from April 2020.
    let covid = try #require(f.byMonth["online-only.covid-information"])
    #expect(covid.filter { $0.key < "2020-04" }.values.allSatisfy { $0 == 0 })
    #expect(covid.filter { $0.key >= "2020-04" }.values.reduce(0, +) >= 10)
  }
}
