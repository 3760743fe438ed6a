// swift-tools-version: 6.0
// libFuzzer targets for qda's readers of untrusted files. The library
// sources are the main package's (symlinked), built here with the fuzzer and
// AddressSanitizer: see Fuzz/README.md.
import PackageDescription

let package = Package(
  name: "QDAFuzz",
  dependencies: [
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
    .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.0"),
  ],
  targets: [
    .target(
      name: "QDAImport",
      dependencies: [
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "Yams", package: "Yams"),
      ]),
    .target(
      name: "QDACodebook",
      dependencies: [
        .product(name: "Yams", package: "Yams"),
        .product(name: "Crypto", package: "swift-crypto"),
      ]),
    .target(
      name: "QDAStore",
      dependencies: [
        "CSQLiteSetup",
        .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "GRDBSQLite", package: "GRDB.swift"),
      ]),
    .target(
      name: "CSQLiteSetup", linkerSettings: [.linkedLibrary("sqlite3")]),
    .target(
      name: "QDAExchange",
      dependencies: [
        "QDACodebook", "QDAImport", "QDAStore",
        .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        .product(name: "Crypto", package: "swift-crypto"),
      ]),
    .target(name: "QDACoding", dependencies: ["QDACodebook", "QDAStore"]),
    .target(name: "QDAReport", dependencies: ["QDAStore", "QDAAgreement"]),
    .target(name: "QDAAgreement"),
    .target(
      name: "QDAThematicReport",
      dependencies: [
        "QDACodebook", "QDAStore", "QDACoding", "QDAReport", "QDAAgreement",
      ]),
    .target(
      name: "QDAProject",
      dependencies: [
        "QDAImport", "QDACodebook", "QDAStore", "QDACoding", "QDAReport",
        "QDAExchange", "QDAThematicReport",
        .product(name: "Yams", package: "Yams"),
      ]),
    .target(name: "FuzzSupport", path: "Targets/FuzzSupport"),
    .executableTarget(
      name: "FuzzCSV", dependencies: ["QDAImport", "FuzzSupport"],
      path: "Targets/FuzzCSV"),
    .executableTarget(
      name: "FuzzTranscript", dependencies: ["QDAImport", "FuzzSupport"],
      path: "Targets/FuzzTranscript"),
    .executableTarget(
      name: "FuzzTelegram", dependencies: ["QDAImport", "FuzzSupport"],
      path: "Targets/FuzzTelegram"),
    .executableTarget(
      name: "FuzzCodebook", dependencies: ["QDACodebook", "FuzzSupport"],
      path: "Targets/FuzzCodebook"),
    .executableTarget(
      name: "FuzzREFI", dependencies: ["QDAExchange", "FuzzSupport"],
      path: "Targets/FuzzREFI"),
    .executableTarget(
      name: "FuzzImport",
      dependencies: [
        "QDAImport", "QDAProject", "QDAStore", "FuzzSupport",
        .product(name: "GRDB", package: "GRDB.swift"),
      ],
      path: "Targets/FuzzImport"),
    .executableTarget(
      name: "FuzzCoding",
      dependencies: [
        "QDACodebook", "QDACoding", "QDAImport", "QDAProject", "QDAStore",
        "FuzzSupport",
      ],
      path: "Targets/FuzzCoding"),
    .executableTarget(
      name: "FuzzMatch", dependencies: ["QDACodebook"],
      path: "Targets/FuzzMatch"),
  ]
)
