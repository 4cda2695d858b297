import Foundation
import ReconcilerCore
import WireFormat

/// The names of every discrepancy kind, for the filter.
enum ReconcilerCoreKinds {
    static let names = DiscrepancyKind.allCases.map(\.rawValue)
}

/// The console's sections over ``ConsoleData``: the overview, the runs with their reports, the
/// discrepancies with resolve and ignore, and the plans with approve. Every route is a
/// ``ConsoleRoute``: the application checks the user, the role and the form token before a
/// route runs; the write routes call the same store methods as the command line, with
/// `request.user` as the person recorded.
public enum ConsoleSections {
    /// How many discrepancies a list shows at most.
    public static let listLimit = 500
    /// How many plans the list shows at most.
    public static let planLimit = 100

    /// Every section, worded and timed for `locale`.
    public static func standard(data: any ConsoleData, locale: ConsoleLocale = .english) -> [ConsoleSection] {
        let l = locale
        let w = l.words
        return [
            ConsoleSection(
                title: w.overview, path: "/",
                routes: [
                    ConsoleRoute("GET", "/") { _ in
                        guard let counts = try? data.openCounts(), let runs = try? data.runs(limit: 10) else {
                            return unavailable(l)
                        }
                        // Plans need migration 0009; an older database shows the rest.
                        let awaiting = (try? data.plans(limit: planLimit))?.filter { $0.state == "proposed" }.count
                        return .page(
                            status: 200, title: w.overview,
                            body: ConsolePages.overview(counts: counts, runs: runs, plansAwaiting: awaiting, l))
                    }
                ]),
            ConsoleSection(
                title: w.runs, path: "/runs",
                routes: [
                    ConsoleRoute("GET", "/runs") { _ in
                        do {
                            return .page(
                                status: 200, title: w.runs, body: ConsolePages.runTable(try data.runs(limit: 100), l))
                        } catch {
                            return failure(error, l)
                        }
                    },
                    ConsoleRoute("GET", "/runs/{id}") { request in
                        do {
                            guard let run = try data.run(id: request.id) else { return notFound(w.noSuchRun, l) }
                            let hasReport = run.status != "running"
                            return .page(
                                status: 200, title: "\(w.run) #\(run.id)",
                                body: ConsolePages.run(run, hasReport: hasReport, l))
                        } catch {
                            return failure(error, l)
                        }
                    },
                    ConsoleRoute("GET", "/runs/{id}/report") { request in
                        do {
                            return document(try data.reportHTML(runId: request.id), missing: w.noSuchReport, l)
                        } catch {
                            return failure(error, l)
                        }
                    },
                    ConsoleRoute("GET", "/runs/{id}/report.csv") { request in
                        do {
                            guard let csv = try data.reportCSV(runId: request.id) else {
                                return notFound(w.noSuchReport, l)
                            }
                            return .download(
                                contentType: "text/csv; charset=utf-8", fileName: "run-\(request.id).csv",
                                body: Array(csv.utf8))
                        } catch {
                            return failure(error, l)
                        }
                    },
                ]),
            ConsoleSection(
                title: w.discrepancies, path: "/discrepancies",
                routes: [
                    ConsoleRoute("GET", "/discrepancies") { request in
                        let filter = DiscrepancyFilter(query: request.http.query)
                        do {
                            let items = try data.discrepancies(filter, limit: listLimit)
                            let notice = request.http.query["done"].flatMap { done -> String? in
                                guard let id = Int64(done) else { return nil }
                                return w.settled(id, request.http.query["as"] == "ignored")
                            }
                            return .page(
                                status: 200, title: w.discrepancies,
                                body: ConsolePages.discrepancies(
                                    items, filter: filter, canEdit: request.roles.contains(.editor),
                                    token: request.token, limit: listLimit, notice: notice, l))
                        } catch {
                            return failure(error, l)
                        }
                    },
                    ConsoleRoute("POST", "/discrepancies/{id}/resolve", role: .editor) { request in
                        guard let note = note(request) else { return noteNeeded(l) }
                        let ignore = request.form["action"] == "ignore"
                        do {
                            try data.resolve(id: request.id, note: note, by: request.user, ignore: ignore)
                        } catch {
                            return failure(error, l)
                        }
                        let back = DiscrepancyFilter(query: formQuery(request.form["back"] ?? "")).query
                        return .redirect(
                            "/discrepancies?\(back)&done=\(request.id)&as=\(ignore ? "ignored" : "resolved")")
                    },
                ]),
            ConsoleSection(
                title: w.plans, path: "/plans",
                routes: [
                    ConsoleRoute("GET", "/plans") { _ in
                        do {
                            return .page(
                                status: 200, title: w.plans,
                                body: ConsolePages.planTable(try data.plans(limit: planLimit), l))
                        } catch {
                            return failure(error, l)
                        }
                    },
                    ConsoleRoute("GET", "/plans/{id}") { request in
                        do {
                            guard let plan = try data.plan(id: request.id) else { return notFound(w.noSuchPlan, l) }
                            let notice =
                                request.http.query["approved"] == "1"
                                ? plan.approvedBy.map {
                                    w.approvedNotice(plan.id, $0)
                                } : nil
                            return .page(
                                status: 200, title: "\(w.plan) #\(plan.id)",
                                body: ConsolePages.plan(
                                    plan, canApprove: request.roles.contains(.approver), token: request.token,
                                    notice: notice, l))
                        } catch {
                            return failure(error, l)
                        }
                    },
                    ConsoleRoute("GET", "/plans/{id}/document") { request in
                        do {
                            return document(
                                try data.planHTML(id: request.id, locale: l.language), missing: w.noSuchPlan, l)
                        } catch {
                            return failure(error, l)
                        }
                    },
                    ConsoleRoute("POST", "/plans/{id}/approve", role: .approver) { request in
                        guard let note = note(request) else { return noteNeeded(l) }
                        do {
                            _ = try data.approvePlan(id: request.id, note: note, by: request.user)
                        } catch {
                            return failure(error, l)
                        }
                        return .redirect("/plans/\(request.id)?approved=1")
                    },
                ]),
        ]
    }

    /// A whole document of its own (a run's report, a plan) with the hashes of its styles, or
    /// 404 saying `missing` when there is none.
    static func document(_ html: String?, missing: String, _ l: ConsoleLocale) -> ConsoleResponse {
        guard let html else { return notFound(missing, l) }
        return .document(html: html, styleHashes: styleHashes(html))
    }

    /// The form's note, trimmed; nil when it is empty or longer than 2000 characters.
    static func note(_ request: ConsoleRequest) -> String? {
        let note = (request.form["note"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        return note.isEmpty || note.count > 2000 ? nil : note
    }

    static func noteNeeded(_ l: ConsoleLocale) -> ConsoleResponse {
        .page(
            status: 400, title: l.words.noteNeededTitle,
            body: ConsolePages.refusal(l.words.noteNeededTitle, l.words.noteNeeded))
    }

    /// The query fields of `text` (a filter's query string carried in a form).
    static func formQuery(_ text: String) -> [String: String] {
        ConsoleApp.formFields(Array(text.utf8)) ?? [:]
    }

    /// The `style-src` hashes of the `<style>` elements of `html` (the run report's own styles).
    static func styleHashes(_ html: String) -> [String] {
        var hashes: [String] = []
        var rest = html[...]
        while let open = rest.range(of: "<style>"), let close = rest[open.upperBound...].range(of: "</style>") {
            var hash = SHA256()
            hash.update(Array(rest[open.upperBound..<close.lowerBound].utf8))
            hashes.append(Data(hash.finalize()).base64EncodedString())
            rest = rest[close.upperBound...]
        }
        return hashes
    }

    static func notFound(_ explanation: String, _ l: ConsoleLocale) -> ConsoleResponse {
        .page(
            status: 404, title: l.words.notFoundTitle, body: ConsolePages.refusal(l.words.notFoundTitle, explanation))
    }

    static func unavailable(_ l: ConsoleLocale) -> ConsoleResponse {
        .page(
            status: 503, title: l.words.unavailableTitle,
            body: ConsolePages.refusal(l.words.unavailableTitle, l.words.unavailable))
    }

    static func failure(_ error: any Error, _ l: ConsoleLocale) -> ConsoleResponse {
        let error = error as? ConsoleDataError ?? ConsoleDataError(status: 500, "\(error)")
        let title = error.status == 503 ? l.words.unavailableTitle : l.words.notDone
        return .page(status: error.status, title: title, body: ConsolePages.refusal(title, error.description))
    }
}
