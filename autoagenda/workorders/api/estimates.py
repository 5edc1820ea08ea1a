"""The client's estimate link, anonymous: the signed token in the path is the key (no login, a stale bearer
token is ignored). A tampered token is 400 `link_invalid`, an old one `link_expired`, a replaced version
`link_superseded`; an answered estimate is 409 `invalid_transition`. Nothing changes on any of them."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from autoagenda.core.api import error_responses
from autoagenda.workorders import services
from autoagenda.workorders.api import serializers as s
from autoagenda.workorders.api.views import validated
from autoagenda.workorders.models import EstimateVersion, LineDecision

USER_AGENT_MAX = 300


def _answer(estimate: EstimateVersion) -> Response:
    fresh = (
        EstimateVersion.objects.select_related("work_order__location", "work_order__vehicle")
        .prefetch_related("decisions")
        .get(pk=estimate.pk)
    )
    return Response(s.PublicEstimateSerializer(fresh).data)


def _client_of(request: Request) -> dict[str, Any]:
    return {
        "ip": request.META.get("REMOTE_ADDR") or None,
        "user_agent": str(request.META.get("HTTP_USER_AGENT", ""))[:USER_AGENT_MAX],
    }


class _Public(APIView):
    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (AnonRateThrottle,)


class EstimateLinkView(_Public):
    serializer_class = s.PublicEstimateSerializer

    @extend_schema(
        summary="The estimate a client's link names (anonymous)",
        responses={200: s.PublicEstimateSerializer, **error_responses(400, 429)},
    )
    def get(self, request: Request, token: str) -> Response:
        return _answer(services.estimate_for_token(token))


class EstimateDecisionView(_Public):
    serializer_class = s.DecisionSerializer

    @extend_schema(
        summary="Approve or decline each line of the estimate (anonymous, by the link)",
        description="Every line by its key. Any approved line moves the work order to `approved`; declined lines "
        "stay on it, marked. Stored with the version, time, IP and user agent.",
        request=s.DecisionSerializer,
        responses={200: s.PublicEstimateSerializer, **error_responses(400, 409, 429)},
    )
    def post(self, request: Request, token: str) -> Response:
        data = validated(s.DecisionSerializer, request)
        estimate = services.estimate_decide(
            token=token, decisions=data["decisions"], signer_name=data.get("signer_name", ""), **_client_of(request)
        )
        return _answer(estimate)


class _All(_Public):
    serializer_class = s.SignerSerializer
    decision: str

    def post(self, request: Request, token: str) -> Response:
        data = validated(s.SignerSerializer, request)
        estimate = services.estimate_decide_all(
            token=token, decision=self.decision, signer_name=data.get("signer_name", ""), **_client_of(request)
        )
        return _answer(estimate)


@extend_schema(
    summary="Approve every line of the estimate (anonymous, by the link)",
    request=s.SignerSerializer,
    responses={200: s.PublicEstimateSerializer, **error_responses(400, 409, 429)},
)
class EstimateApproveView(_All):
    decision = LineDecision.APPROVED


@extend_schema(
    summary="Decline every line of the estimate (anonymous, by the link)",
    request=s.SignerSerializer,
    responses={200: s.PublicEstimateSerializer, **error_responses(400, 409, 429)},
)
class EstimateDeclineView(_All):
    decision = LineDecision.DECLINED
