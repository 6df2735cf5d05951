import { describe, expect, it } from 'vitest';
import { errorText, t } from './strings';
import { errorText as consoleErrorText, t as tc } from './strings-console';

describe('errorText', () => {
  it('words every error code the server sends, in people\'s terms', () => {
    // docs/protocol.md section 9 and the exercises' codes: none falls
    // through to the server's own terse text.
    for (const code of ['not_found', 'room_locked', 'room_full', 'room_ended', 'removed', 'rate_limited', 'wrong_status', 'wrong_phase',
      'too_few_responses', 'no_dots_left', 'not_yours', 'forbidden', 'bad_token', 'too_many_rooms', 'host_key', 'conflict',
      'unavailable', 'internal', 'bad_message', 'unknown_type', 'too_many_clients', 'has_answers', 'body_timeout']) {
      expect(errorText({ code, message: 'terse server text' })).not.toBe('terse server text');
    }
  });

  it('says which phase a command belongs to in the server\'s words, the code\'s own without them', () => {
    expect(errorText({ code: 'wrong_phase', message: 'cards are grouped only in the group phase' })).toBe('Cards are grouped only in the group phase.');
    expect(errorText({ code: 'wrong_phase' })).toBe(t.errors.wrong_phase);
  });

  it('says which limit a dot met in the server\'s words, the code\'s own without them', () => {
    expect(errorText({ code: 'no_dots_left', message: 'you have placed all 3 dots' })).toBe('You have placed all 3 dots.');
    expect(errorText({ code: 'no_dots_left', field: 'item', message: 'at most 2 dots on one item' })).toBe('At most 2 dots on one item.');
    expect(errorText({ code: 'no_dots_left' })).toBe(t.errors.no_dots_left);
  });

  it('says which text an answered vote keeps in the server\'s words, the code\'s own without them', () => {
    const message = 'people have answered already: option 2\'s label now would change what their answers mean; add a new exercise instead';
    expect(errorText({ code: 'has_answers', field: 'options[1].label', message })).toBe(message[0].toUpperCase() + message.slice(1) + '.');
    expect(errorText({ code: 'has_answers' })).toBe(t.errors.has_answers);
  });

  it('says where to carry on when the page stopped for the room open elsewhere (close 4006)', () => {
    expect(errorText({ code: 'replaced', message: 'not connected to the room' })).toContain('“Use it here”');
  });

  it('says where the room is open in the same words as the notices of the phone, console and projector', () => {
    for (const said of [t.errors.replaced, t.part.replaced, t.screen.replaced, tc.host.replaced]) {
      expect(said).toContain('in another tab or window');
      expect(said).not.toContain('device');
    }
  });

  it('says a thing is gone inside a room, and a code is wrong when joining', () => {
    expect(errorText({ code: 'not_found', message: 'no such request' })).toContain('no longer there');
    expect(errorText({ code: 'not_found' }, { not_found: t.errors.no_room })).toContain('no room with that code');
  });
});

describe('an HTTP error without a Huddle body', () => {
  it('reads as the server being unavailable, not as the proxy\'s status text', async () => {
    const { api } = await import('./api');
    const fetch = globalThis.fetch;
    globalThis.fetch = (async () => new Response('<html>Bad Gateway</html>', { status: 502, statusText: 'Bad Gateway' })) as any;
    try {
      const err = await api.join('K7QX2M', 'Ann').catch((e) => e);
      expect(err.code).toBe('unavailable');
      expect(errorText(err)).toContain('not available');
      globalThis.fetch = (async () => new Response('too big', { status: 413, statusText: 'Request Entity Too Large' })) as any;
      expect((await api.join('K7QX2M', 'Ann').catch((e) => e)).code).toBe('too_long');
      globalThis.fetch = (async () => new Response('', { status: 418, statusText: "I'm a teapot" })) as any;
      expect(errorText(await api.join('K7QX2M', 'Ann').catch((e) => e))).toContain('teapot');
    } finally {
      globalThis.fetch = fetch;
    }
  });
});

describe('errors about a field', () => {
  it('name the field as people do, not by its path', () => {
    expect(errorText({ code: 'too_long', field: 'tags[6]', message: 'tags[6] is 34 characters; the limit is 24' })).toBe('Tag 7 is 34 characters; the limit is 24.');
    expect(errorText({ code: 'too_long', field: 'ballot.text', message: 'ballot.text is 600 characters; the limit is 500' })).toBe('The text is 600 characters; the limit is 500.');
    expect(errorText({ code: 'too_long', field: 'questions[1].options[2].label', message: 'questions[1].options[2].label is 90 characters; the limit is 80' }))
      .toBe('Option 3 of question 2 is 90 characters; the limit is 80.');
    expect(errorText({ code: 'invalid', field: 'retro.columns[0].title', message: 'retro.columns[0].title is required' })).toBe("Column 1's title is required.");
    expect(errorText({ code: 'invalid', field: 'ballot.words[0]', message: 'ballot.words[0] holds a control character' })).toBe('Word 1 holds a control character.');
  });
  it('leave a message that does not start with its field as it is', () => {
    expect(errorText({ code: 'invalid', field: 'tags', message: 'at most 5 tags' })).toBe('At most 5 tags.');
  });
});

describe('a board full of text (board_full)', () => {
  it('says what can be done on that board in the server\'s words, phone and console alike', () => {
    const message = 'the board is full: the facilitator can make room by deleting cards, or you can shorten what you wrote';
    expect(errorText({ code: 'board_full', field: 'text', message })).toBe(message[0].toUpperCase() + message.slice(1) + '.');
    expect(errorText({ code: 'board_full', field: 'message', message: 'the wall is full: no more kudos can be added to it' }))
      .toBe('The wall is full: no more kudos can be added to it.');
    // The console's strings give the same function.
    expect(consoleErrorText).toBe(errorText);
  });

  it('says the board is full in the code\'s own words when the server sends none', () => {
    expect(errorText({ code: 'board_full' })).toBe(t.errors.board_full);
    expect(t.errors.board_full).toContain('full');
  });

  it('shows the server\'s message for a code the page does not know, as a page cached before board_full does', () => {
    const message = 'the board is full: nothing more can be added to it, so ask the facilitator';
    expect(errorText({ code: 'a_code_from_a_newer_server', message })).toBe(message);
  });
});
