import Foundation
import QDATestSupport
import Testing

@testable import QDAExchange
@testable import QDAStore

/// What a REFI-QDA project's cases and variables give the units it imports:
/// as another tool writes them (cases of whole sources and of selections,
/// variables on sources) and as qda writes them (a case per work-report
/// case, a source's kind and roles in its description).
@Suite struct REFICaseTests {
  static let guidPrefix = "5a0c0000-0000-4000-8000-"
  static func guid(_ number: Int) -> String {
    guidPrefix + String(format: "%012d", number)
  }

  /// Two interviews as another tool exports them: paragraphs, no qda
  /// headers.
  static let interviewA = """
    Interviewer: How do people reach you at night?

    Respondent: They write to the group chat and wait until morning.

    Respondent: Sometimes a voice message comes at three a.m.
    """
  static let interviewB = "Интервьюер: Как вы отвечаете?\n\nРеспондент: Сразу."

  /// A project of another tool: participant `Anna` is a case of the whole
  /// first source, `Voice` a case of a selection in its third paragraph,
  /// and the second source carries its own variables.
  static func otherToolProject() -> String {
    let (a, b) = (guid(101), guid(102))
    let (gender, age, date, recorded, consent) = (
      guid(201), guid(202), guid(203), guid(204), guid(205)
    )
    // The third paragraph starts after two paragraphs and their blank lines.
    let paragraphs = interviewA.components(separatedBy: "\n\n")
    let third =
      paragraphs[0].unicodeScalars.count + paragraphs[1].unicodeScalars.count
      + 4
    func value(_ variable: String, _ element: String, _ text: String) -> String
    {
      """
      <VariableValue><VariableRef targetGUID="\(variable)"/>\
      <\(element)>\(text)</\(element)></VariableValue>
      """
    }
    return """
      <?xml version="1.0" encoding="UTF-8"?>
      <Project xmlns="urn:QDA-XML:project:1.0" name="other tool" origin="test">
        <CodeBook><Codes>
          <Code guid="\(guid(1))" name="night" isCodable="true"/>
        </Codes></CodeBook>
        <Variables>
          <Variable guid="\(gender)" name="gender" typeOfVariable="Text"/>
          <Variable guid="\(age)" name="age" typeOfVariable="Integer"/>
          <Variable guid="\(date)" name="Date" typeOfVariable="Date"/>
          <Variable guid="\(recorded)" name="recorded" typeOfVariable="Date"/>
          <Variable guid="\(consent)" name="consent" typeOfVariable="Boolean"/>
        </Variables>
        <Cases>
          <Case guid="\(guid(301))" name="Voice">
            \(value(gender, "TextValue", "unknown"))
            <SelectionRef targetGUID="\(guid(401))"/>
          </Case>
          <Case guid="\(guid(302))" name="Anna">
            \(value(gender, "TextValue", "female"))
            \(value(age, "IntegerValue", "34"))
            \(value(date, "DateValue", "2020-05-14"))
            \(value(recorded, "DateValue", "2020-05-15"))
            <SourceRef targetGUID="\(a)"/>
          </Case>
          <Case guid="\(guid(303))" name="Nobody">
            \(value(gender, "TextValue", "male"))
            <SourceRef targetGUID="\(guid(999))"/>
          </Case>
        </Cases>
        <Sources>
          <TextSource guid="\(a)" name="interview-a.txt">
            <PlainTextContent>\(interviewA)</PlainTextContent>
            <PlainTextSelection guid="\(guid(401))" name="voice" \
      startPosition="\(third + 12)" endPosition="\(third + 30)"/>
          </TextSource>
          <TextSource guid="\(b)" name="interview-b.txt">
            <PlainTextContent>\(interviewB)</PlainTextContent>
            \(value(consent, "BooleanValue", "true"))
            \(value(date, "DateValue", "2020-06-01Z"))
            \(value(age, "IntegerValue", " "))
          </TextSource>
        </Sources>
      </Project>
      """
  }

  func read(_ qde: String) throws -> REFIImport.Project {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try directory.write("project.qde", qde)
    return try REFIImport.read(path: directory.url.path)
  }

  /// `id kind date name=value…` for every unit.
  func summary(_ project: REFIImport.Project) -> [String] {
    project.sources.flatMap(\.units).map { unit in
      ([unit.id, unit.kind, unit.date ?? "-"]
        + unit.attributes.map { "\($0.name)=\($0.value)" })
        .joined(separator: " ")
    }
  }

  @Test func casesAndSourcesGiveOtherToolsUnitsTheirVariables() throws {
    let project = try read(Self.otherToolProject())
    #expect(
      summary(project) == [
        // Anna's whole interview: her variables, the `Date` variable as
        // the date, another date variable as an attribute.
        "interview-a:1 block 2020-05-14 gender=female age=34 recorded=2020-05-15",
        "interview-a:2 block 2020-05-14 gender=female age=34 recorded=2020-05-15",
        // The voice message's own case comes first, then Anna's.
        "interview-a:3 block 2020-05-14 gender=unknown age=34 recorded=2020-05-15",
        // The source's own variables; a blank value is none, a date with
        // its time zone still a date; the case of a missing source nothing.
        "interview-b:1 block 2020-06-01 consent=true",
        "interview-b:2 block 2020-06-01 consent=true",
      ])
  }

  @Test func changedVariablesChangeTheUnitsHash() throws {
    let project = try read(Self.otherToolProject())
    let changed = try read(
      Self.otherToolProject().replacingOccurrences(
        of: "<TextValue>female</TextValue>", with: "<TextValue>f</TextValue>"))
    let before = project.sources.flatMap(\.units).map(\.contentHash)
    let after = changed.sources.flatMap(\.units).map(\.contentHash)
    #expect(before.count == 5)
    // The third unit's own case names its gender: Anna's does not reach it.
    #expect(
      zip(before, after).map { $0 == $1 } == [false, false, true, true, true])
  }

  @Test func qdaBlocksTakeTheirKindAndRolesFromTheSourceDescription() throws {
    let text = "[chat:1] Anna\nHello\n\n[chat:2]\nJoined\n\n[chat:3] Oleg\nHi"
    func project(_ description: String?) -> String {
      """
      <?xml version="1.0" encoding="UTF-8"?>
      <Project xmlns="urn:QDA-XML:project:1.0" name="qda" origin="qda">
        <Sources>
          <TextSource guid="\(Self.guid(101))" name="chat">
            \(description.map { "<Description>\($0)</Description>" } ?? "")
            <PlainTextContent>\(text)</PlainTextContent>
          </TextSource>
        </Sources>
      </Project>
      """
    }
    func kindsAndRoles(_ description: String?) throws -> [String] {
      try read(project(description)).sources.flatMap(\.units).map {
        "\($0.id) \($0.kind) \($0.role ?? "-")"
      }
    }
    // Without notes: a header with a speaker is a turn, one without a case.
    #expect(
      try kindsAndRoles(nil) == [
        "chat:1 turn -", "chat:2 case -", "chat:3 turn -",
      ])
    #expect(
      try kindsAndRoles(
        "Imported from qda.\nqda-kind: message\nqda-role: Anna = outreach-worker\nqda-role: A = B = client"
      ) == [
        "chat:1 message outreach-worker", "chat:2 message -",
        "chat:3 message -",
      ])
    // A kind qda does not make is not taken.
    #expect(
      try kindsAndRoles("qda-kind: table") == [
        "chat:1 turn -", "chat:2 case -", "chat:3 turn -",
      ])
  }

  @Test func labelledFieldsSplitABlocksText() {
    let notes = SourceNotes(
      description: "qda-kind: case\nqda-field: request\nqda-field: services")
    #expect(notes.fields == ["request", "services"])
    func split(_ text: String) -> [String]? {
      let scalars = Array(text.unicodeScalars)
      return notes.fields(of: text)?.map {
        $0.name + "=" + String(String.UnicodeScalarView(scalars[$0.range]))
      }
    }
    #expect(
      split("request: veins\ngone\nservices: memo")
        == ["request=veins\ngone", "services=memo"])
    // Only a declared name at a line's start, and each once, starts a field.
    #expect(
      split("request: asks: services: none\nrequest: again\nservices: ")
        == ["request=asks: services: none\nrequest: again", "services="])
    #expect(
      split("services: first\nrequest: second")
        == ["services=first", "request=second"])
    #expect(split("Client: no label\nservices: x") == nil)
    #expect(
      SourceNotes(description: "qda-kind: turn").fields(of: "a: b") == nil)
  }

  @Test func sourceNotesReadBackWhatTheyWrite() {
    var profile = SourceUnitProfile()
    profile.fields = ["request", "services"]
    let reports = SourceNotes(profile: profile)
    #expect(reports.text == "qda-field: request\nqda-field: services")
    #expect(SourceNotes(description: reports.text) == reports)
    // Units whose only field is `text` are not labelled.
    profile.fields = ["text"]
    #expect(SourceNotes(profile: profile).isEmpty)
    profile.kinds = ["turn"]
    profile.roles = [
      .init(speaker: "Интервьюер", role: "interviewer"),
      .init(speaker: "Worker = 1", role: "outreach-worker"),
      .init(speaker: "Two\nlines", role: "client"),
    ]
    let notes = SourceNotes(profile: profile)
    #expect(
      notes.text
        == "qda-kind: turn\nqda-role: Интервьюер = interviewer\nqda-role: Worker = 1 = outreach-worker"
    )
    #expect(SourceNotes(description: notes.text) == notes)
    profile.kinds = ["case", "turn"]
    profile.roles = []
    #expect(SourceNotes(profile: profile).isEmpty)
    // A field name that would not read back as one line labels nothing.
    profile.fields = ["request", "two\nlines"]
    #expect(SourceNotes(profile: profile).fields.isEmpty)
  }

  /// libxml2 gives a processing instruction without data to XMLParser as
  /// a null pointer, which killed the process (`FuzzREFI`, 7 December).
  @Test func processingInstructionsWithoutDataGetASpace() {
    func given(_ text: String) -> String {
      let data = Data(text.utf8)
      let markup = data.withUnsafeBytes(XMLNode.Markup.init)
      #expect(!markup.hasDocumentType)
      return String(
        decoding: XMLNode.givingData(
          to: markup.instructionsWithoutData, in: data),
        as: UTF8.self)
    }
    #expect(
      given("<?xml version=\"1.0\"?><?x?><a><?y?></a>")
        == "<?xml version=\"1.0\"?><?x ?><a><?y ?></a>")
    // Comments and CDATA are text, not instructions; those with data, an
    // empty target and an unended one are left to the parser.
    for unchanged in [
      "<a><!-- <?x?> --><![CDATA[<?x?>]]></a>", "<?x data?><?x\t?>", "<??>",
      "<?x?", "<!-- <?x?>",
    ] {
      #expect(given(unchanged) == unchanged)
    }
  }

  /// XMLParser also reads the absent public id of a notation or an
  /// unparsed entity as a C string; a project has no document type.
  @Test func documentTypesAreRefused() throws {
    func markup(_ text: String) -> XMLNode.Markup {
      Data(text.utf8).withUnsafeBytes(XMLNode.Markup.init)
    }
    #expect(
      markup("<!DOCTYPE p [<!NOTATION n SYSTEM \"\">]><p/>").hasDocumentType)
    #expect(
      !markup("<p><!-- <!DOCTYPE --><![CDATA[<!DOCTYPE]]></p>").hasDocumentType)
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    for declaration in [
      "<!NOTATION n SYSTEM \"\">", "<!ENTITY e SYSTEM \"\" NDATA n>",
    ] {
      let project = directory.url.appendingPathComponent("project")
      try FileManager.default.createDirectory(
        at: project, withIntermediateDirectories: true)
      try Data(
        "<!DOCTYPE Project [\(declaration)]><Project name=\"p\"/>".utf8
      ).write(to: project.appendingPathComponent("project.qde"))
      let result = try CommandRunner.qda(
        ["import", "qdpx", project.path], in: directory.url)
      #expect(result.status == 65, "\(declaration): \(result.stderr)")
      #expect(result.stderr.contains("declares a document type"))
    }
  }

  @Test func aProjectWithAProcessingInstructionWithoutDataImports() throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let project = try directory.url.appendingPathComponent("project")
    try FileManager.default.createDirectory(
      at: project, withIntermediateDirectories: true)
    try Data(
      """
      <?xml version="1.0" encoding="UTF-8"?><?x?>
      <Project xmlns="urn:QDA-XML:project:1.0" name="p"><?y?>
        <Sources><TextSource guid="\(Self.guid(101))" name="notes">
          <Description><![CDATA[<?z?> stays]]></Description>
          <PlainTextContent>Text</PlainTextContent>
        </TextSource></Sources>
      </Project>
      """.utf8
    ).write(to: project.appendingPathComponent("project.qde"))
    let result = try CommandRunner.qda(
      ["import", "qdpx", project.path], in: directory.url)
    #expect(result.status == 0, "\(result.stderr)")
    let read = try REFIImport.read(path: project.path)
    #expect(read.sources.map(\.source.name) == ["notes"])
  }
}
