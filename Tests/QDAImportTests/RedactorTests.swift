import Foundation
import QDAImport
import QDATestSupport
import Testing

extension IdentifierSample: CustomTestStringConvertible {
  /// The sentence as it must be stored.
  var redacted: String {
    sentence.replacingOccurrences(of: "{}", with: "[\(kind)]")
      .replacingOccurrences(of: "@second_handle", with: "[handle]")
  }

  public var testDescription: String { "\(kind) \(identifier)" }
}

@Suite struct RedactorTests {
  @Test func theCorpusHoldsFiftyIdentifiersOfEveryKind() {
    let corpus = IdentifierSample.corpus
    #expect(corpus.count >= 50)
    for kind in ["phone", "email", "handle", "link", "card"] {
      #expect(corpus.filter { $0.kind == kind }.count >= 5, "\(kind)")
    }
  }

  @Test(arguments: IdentifierSample.corpus)
  func everyIdentifierIsReplacedAndTheRestKept(_ sample: IdentifierSample) {
    let (redacted, counts) = Redactor().redact(sample.text)
    #expect(redacted == sample.redacted)
    #expect(counts.total >= 1)
  }

  @Test func datesCaseNumbersAndAmountsStay() {
    for text in [
      "Встреча 2020-04-15, кейс C017, 12 шприцев, 3 теста.",
      "Called at 23:45 on 15.04.2020; 1 500 рублей на проезд.",
      "Протокол № 12345678 от 01.02.2020.",
      "He asked about vein #3 and 10 mg.",
    ] {
      let (redacted, counts) = Redactor().redact(text)
      #expect(redacted == text)
      #expect(counts.total == 0)
    }
  }
}
