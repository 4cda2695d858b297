import WireFormat

extension ReportLabels {
    /// One sentence on the run's sources in this locale: whether PortOne's journal of payment
    /// events was read (and what it found beyond the status scan) or why it was not.
    public func sources(_ sources: RunReport.Sources) -> String {
        guard let follow = sources.followLoop else { return journal(sources) }
        return journal(sources) + (korean ? ". " : ". ") + followLoop(follow)
    }

    /// The daemon's follow loop as the run found it.
    func followLoop(_ follow: RunReport.Sources.FollowLoop) -> String {
        let tick = follow.lastTickAt.map { ReportTime.kst(RFC3339.Timestamp($0)) + " KST" } ?? "–"
        switch (follow.eventsFeed, korean) {
        case (.read, true):
            return "데몬의 실시간 추적: 이벤트 기록을 읽는 중 (마지막 확인 \(tick))"
        case (.read, false):
            return "The daemon's follow loop: reading the journal (last tick \(tick))"
        case (.unavailable(let reason), true):
            return "데몬의 실시간 추적: 이벤트 기록을 읽지 못해 최근 상태 변경 조회로 대신하는 중 (마지막 확인 \(tick), 이유: \(reason))"
        case (.unavailable(let reason), false):
            return
                "The daemon's follow loop: the journal is unavailable, following the status scan of the last minutes instead (last tick \(tick), reason: \(reason))"
        }
    }

    private func journal(_ sources: RunReport.Sources) -> String {
        let events = ReportNumber.grouped(Int64(sources.eventsRead))
        let revealed = ReportNumber.grouped(Int64(sources.paymentsRevealed))
        switch (sources.eventsFeed, korean) {
        case (.read, true):
            return "PortOne 결제 이벤트 기록: 읽음 (이벤트 \(events)건, 상태 변경 조회에 없던 결제 \(revealed)건)"
        case (.read, false):
            return
                "PortOne's journal of payment events: read (\(events) events, \(revealed) payments the status scan did not return)"
        case (.unavailable(let reason), true):
            return "PortOne 결제 이벤트 기록: 읽지 못함 — 상태 변경 조회만으로 대사했습니다 (이유: \(reason))"
        case (.unavailable(let reason), false):
            return
                "PortOne's journal of payment events: unavailable — reconciled by the status scan alone (reason: \(reason))"
        }
    }
}
