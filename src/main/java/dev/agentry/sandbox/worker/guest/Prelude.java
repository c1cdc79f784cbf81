package dev.agentry.sandbox.worker.guest;

/**
 * The JavaScript that runs before the guest's code in every context: it defines {@code input} and
 * {@code tools} as frozen, non-writable globals and returns the function that turns the guest's
 * result into JSON (or null when it is longer than allowed). It keeps its own references to {@code JSON}, so guest code that replaces
 * {@code JSON.parse} later changes nothing here. Tool arguments are serialised in the guest and
 * bounded before they cross to the host.
 */
final class Prelude {

    static final String SOURCE = """
            (function (call, inputText, toolIds, maxArgumentChars) {
              'use strict';
              const parse = JSON.parse, stringify = JSON.stringify, freeze = Object.freeze;
              const define = Object.defineProperty, create = Object.create;
              const tools = create(null);
              for (const id of parse(toolIds)) {
                const dot = id.indexOf('.');
                const toolset = id.substring(0, dot), name = id.substring(dot + 1);
                const group = tools[toolset] || (tools[toolset] = create(null));
                group[name] = function (args) {
                  const text = stringify(args === undefined ? {} : args);
                  if (typeof text !== 'string') {
                    throw new TypeError('tools.' + id + ' takes a JSON value as its argument');
                  }
                  if (text.length > maxArgumentChars) {
                    throw new RangeError('the arguments of tools.' + id + ' are longer than '
                        + maxArgumentChars + ' characters');
                  }
                  const answer = parse(call(id, text));
                  if (answer.error !== undefined) {
                    throw new Error(answer.error);
                  }
                  return answer.result;
                };
              }
              for (const toolset in tools) {
                freeze(tools[toolset]);
              }
              const fixed = { enumerable: false, writable: false, configurable: false };
              define(globalThis, 'tools', { ...fixed, value: freeze(tools) });
              define(globalThis, 'input', { ...fixed, value: inputText === null ? null : parse(inputText) });
              return function (value, maxChars) {
                const text = stringify(value);
                if (text === undefined) {
                  return 'null';
                }
                return text.length > maxChars ? null : text;
              };
            })
            """;

    private Prelude() {}
}
