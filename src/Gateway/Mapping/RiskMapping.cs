using Google.Protobuf.WellKnownTypes;
using Paygate.Gateway.Payments;
using Paygate.Gateway.Risk;
using Proto = Paygate.V1;

namespace Paygate.Gateway.Mapping;

/// <summary>Risk control's decisions and positions, from the core's types to the API's messages (payments, previews, events).</summary>
public static class RiskMapping
{
    public static Proto.RiskAssessment ToProto(this RiskAssessment assessment)
    {
        var proto = new Proto.RiskAssessment
        {
            Outcome = (Proto.RiskAssessment.Types.Outcome)(int)assessment.Outcome,
            RuleSetVersion = assessment.RuleSetVersion,
            CustomerLevel = assessment.CustomerLevel,
            DecideTime = Timestamp.FromDateTimeOffset(assessment.DecideTime),
            ChallengeState = (Proto.RiskAssessment.Types.ChallengeState)(int)(assessment.Challenge ?? 0),
        };
        proto.Hits.AddRange(assessment.Hits.Select(h => new Proto.RiskRuleHit
        {
            Rule = h.Rule,
            Action = (Proto.RiskAssessment.Types.Outcome)(int)h.Action,
            Reason = h.Reason,
            Inputs = { h.Inputs.ToDictionary(i => i.Key, i => i.Value) },
        }));
        return proto;
    }

    public static Proto.GeoPoint ToProto(this GeoPoint point) => new() { Latitude = point.Latitude, Longitude = point.Longitude };
}
