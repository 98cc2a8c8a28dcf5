"""`cachebust server` driven by pytest-lsp, a third-party LSP client: the stale clone is reported at its
exact range, and its preferred quick fix clears it."""
import os
import sys

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

BINARY = os.environ["CACHEBUST"]
CLONE = "git clone -b main https://github.com/acme/toolkit.git /src"
TEXT = f"FROM alpine:3.20\nRUN {CLONE}\n"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[BINARY, "server"]))
async def client(lsp_client: LanguageClient, tmp_path):
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            root_uri=tmp_path.as_uri(),
        )
    )
    lsp_client.tmp_path = tmp_path
    yield
    await lsp_client.shutdown_session()


@pytest.mark.asyncio
async def test_a_stale_clone_is_reported_and_fixed(client: LanguageClient):
    uri = (client.tmp_path / "Dockerfile").as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="dockerfile", version=1, text=TEXT)
        )
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    diagnostics = client.diagnostics[uri]
    assert [d.code for d in diagnostics] == ["CB001"]
    assert diagnostics[0].range == types.Range(
        start=types.Position(line=1, character=4), end=types.Position(line=1, character=4 + len(CLONE))
    )
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diagnostics[0].range,
            context=types.CodeActionContext(diagnostics=diagnostics),
        )
    )
    preferred = [a for a in actions if a.kind == types.CodeActionKind.QuickFix and a.is_preferred]
    assert len(preferred) == 1
    (edit,) = preferred[0].edit.changes[uri]
    assert edit.range.start == types.Position(line=1, character=0)
    assert edit.new_text == 'ARG CACHE_BUST=unknown\nRUN echo "Cache bust: ${CACHE_BUST}"\n'
    fixed = TEXT.replace("RUN git", edit.new_text + "RUN git", 1)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=fixed)],
        )
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert list(client.diagnostics[uri]) == []
