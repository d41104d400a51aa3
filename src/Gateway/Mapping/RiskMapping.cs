using Google.Protobuf.WellKnownTypes;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Risk;
using Proto = Paygate.V1;

namespace Paygate.Gateway.Mapping;

/// <summary>From the risk engine's decision to the API's <c>RiskAssessment</c> (on a payment and on a routing preview alike).</summary>
public static class RiskMapping
{
    public static Proto.RiskAssessment ToProto(this RiskAssessment assessment)
    {
        var proto = new Proto.RiskAssessment
        {
            Outcome = ToProto(assessment.Outcome),
            RuleSetVersion = assessment.RuleSetVersion,
            CustomerLevel = assessment.CustomerLevel,
            DecideTime = Timestamp.FromDateTimeOffset(assessment.DecideTime),
            ChallengeState = assessment.Challenge switch
            {
                ChallengeState.Pending => Proto.RiskAssessment.Types.ChallengeState.Pending,
                ChallengeState.Passed => Proto.RiskAssessment.Types.ChallengeState.Passed,
                ChallengeState.Failed => Proto.RiskAssessment.Types.ChallengeState.Failed,
                _ => Proto.RiskAssessment.Types.ChallengeState.Unspecified,
            },
        };
        foreach (var h in assessment.Hits)
        {
            var hit = new Proto.RiskRuleHit { Rule = h.Rule, Action = ToProto(h.Action), Reason = h.Reason };
            foreach (var (key, value) in h.Inputs)
            {
                hit.Inputs[key] = value;
            }
            proto.Hits.Add(hit);
        }
        return proto;
    }

    public static Proto.RiskAssessment.Types.Outcome ToProto(RiskOutcome outcome) => outcome switch
    {
        RiskOutcome.Allow => Proto.RiskAssessment.Types.Outcome.Allow,
        RiskOutcome.Challenge => Proto.RiskAssessment.Types.Outcome.Challenge,
        RiskOutcome.Block => Proto.RiskAssessment.Types.Outcome.Block,
        _ => Proto.RiskAssessment.Types.Outcome.Unspecified,
    };

    public static Proto.GeoPoint ToProto(this GeoPoint point) => new() { Latitude = point.Latitude, Longitude = point.Longitude };
}
