// Starts `unspun lsp` for Markdown, plain text, HTML, reStructuredText and AsciiDoc documents.
// The server registers its own watcher for .unspun.toml files.
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

function activate() {
  const config = vscode.workspace.getConfiguration('unspun');
  const server = {
    command: config.get('path', 'unspun'),
    args: ['lsp', ...config.get('args', [])],
  };
  const languages = ['markdown', 'plaintext', 'html', 'restructuredtext', 'asciidoc'];
  const documentSelector = languages.flatMap((language) => [
    { scheme: 'file', language },
    { scheme: 'untitled', language },
  ]);
  client = new LanguageClient('unspun', 'unspun', server, { documentSelector });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
