import Foundation
import QDACodebook
import QDACoding
import QDATestSupport
import Testing

/// The shipped codebook against a hand-coded evaluation set (not the samples).
@Suite struct CodingQualityTests {
  let codebook: Codebook
  let cases: [EvaluationCase]

  init() throws {
    codebook = try Codebook.load(
      path: TestPaths.package("Codebooks/web-outreach.yml").path)
    cases = try EvaluationCase.load(
      TestPaths.package("Tests/QDACodingTests/Fixtures/evaluation.csv"))
  }

  @Test func evaluationSetIsLargeAndBilingual() {
    #expect(cases.count >= 80)
    #expect(cases.filter { $0.language == "ru" }.count >= 30)
    #expect(cases.filter { $0.language == "en" }.count >= 30)
    let known = Set(codebook.codes.map(\.qualifiedID))
    for item in cases { #expect(item.codes.isSubset(of: known), "\(item.id)") }
  }

  @Test func microF1IsAtLeast90PercentOverall() throws {
    let evaluation = evaluate(cases, codebook: codebook)
    print("All cases:\n" + evaluation.summary)
    let f1 = try #require(evaluation.micro.f1)
    #expect(f1 >= 0.90, "micro-F1 \(f1)")
  }

  @Test func microF1IsAtLeast85PercentOnRussian() throws {
    let evaluation = evaluate(
      cases.filter { $0.language == "ru" }, codebook: codebook)
    print("Russian cases:\n" + evaluation.summary)
    let f1 = try #require(evaluation.micro.f1)
    #expect(f1 >= 0.85, "micro-F1 \(f1)")
  }
}
