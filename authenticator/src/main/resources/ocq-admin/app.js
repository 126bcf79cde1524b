/*
 * OCQ employee-accounts page: signs the administrator in with Keycloak (authorization code with
 * PKCE S256, public client from the config), lists employees through the OCQ admin API and
 * resets accounts (重置帐号). Tokens live in memory only; the PKCE verifier and state live in
 * sessionStorage for the one round trip to the sign-in page. No inline script, no CDN.
 */
(function () {
  'use strict';

  var config = JSON.parse(document.getElementById('ocq-config').textContent);
  var messages = config.messages;
  var tokens = null;
  var refreshTimer = null;
  var page = { search: '', first: 0, max: 20 };
  var current = null;

  function $(id) { return document.getElementById(id); }

  function msg(key) {
    var text = messages[key] || key;
    for (var i = 1; i < arguments.length; i++) {
      text = text.split('{' + (i - 1) + '}').join(String(arguments[i]));
    }
    return text;
  }

  function show(el, visible) { el.hidden = !visible; }

  function status(text) {
    $('ocq-status').textContent = text || '';
    show($('ocq-status'), !!text);
  }

  function fail(text, offerSignIn) {
    status('');
    $('ocq-error').textContent = text;
    show($('ocq-error'), true);
    show($('ocq-sign-in'), !!offerSignIn);
  }

  // ---- PKCE sign-in -------------------------------------------------------------------------

  function randomString(bytes) {
    var data = new Uint8Array(bytes);
    crypto.getRandomValues(data);
    return base64url(data);
  }

  function base64url(bytes) {
    var text = '';
    for (var i = 0; i < bytes.length; i++) { text += String.fromCharCode(bytes[i]); }
    return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function signIn() {
    if (!window.crypto || !crypto.subtle) { fail(msg('ocqAdminNoCrypto'), false); return; }
    var verifier = randomString(48);
    var state = randomString(16);
    crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)).then(function (digest) {
      sessionStorage.setItem('ocq-admin-pkce', JSON.stringify({ verifier: verifier, state: state }));
      var params = new URLSearchParams({
        client_id: config.clientId, redirect_uri: config.redirectUri, response_type: 'code', scope: 'openid',
        state: state, code_challenge: base64url(new Uint8Array(digest)), code_challenge_method: 'S256',
        ui_locales: config.locale
      });
      window.location.assign(config.realmUrl + '/protocol/openid-connect/auth?' + params.toString());
    });
  }

  function tokenRequest(form) {
    form.client_id = config.clientId;
    return fetch(config.realmUrl + '/protocol/openid-connect/token', {
      method: 'POST', credentials: 'omit', cache: 'no-store',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString()
    }).then(function (response) {
      if (!response.ok) { throw new Error('token ' + response.status); }
      return response.json();
    }).then(function (json) {
      tokens = json;
      clearTimeout(refreshTimer);
      var seconds = Math.max(10, (json.expires_in || 60) - 30);
      refreshTimer = setTimeout(refresh, seconds * 1000);
      return json;
    });
  }

  function refresh() {
    if (!tokens || !tokens.refresh_token) { return Promise.reject(new Error('no refresh token')); }
    return tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }).catch(function (e) {
      tokens = null;
      fail(msg('ocqAdminSessionExpired'), true);
      throw e;
    });
  }

  function completeSignIn(params) {
    var saved = JSON.parse(sessionStorage.getItem('ocq-admin-pkce') || 'null');
    sessionStorage.removeItem('ocq-admin-pkce');
    window.history.replaceState(null, '', config.redirectUri);
    if (!saved || saved.state !== params.get('state')) {
      return Promise.reject(new Error('state'));
    }
    return tokenRequest({ grant_type: 'authorization_code', code: params.get('code'),
      redirect_uri: config.redirectUri, code_verifier: saved.verifier });
  }

  function claims(jwt) {
    var part = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    var bytes = Uint8Array.from(atob(part), function (c) { return c.charCodeAt(0); });
    return JSON.parse(new TextDecoder().decode(bytes));
  }

  /** Chinese names family name first (张 + 龙辉 = 张龙辉), others as the token's name claim has them. */
  function displayName(who) {
    if (who.family_name && who.given_name && /[\u2e80-\u9fff]/.test(who.family_name + who.given_name)) {
      return who.family_name + who.given_name;
    }
    return who.name || who.preferred_username || '';
  }

  function signOut() {
    var params = new URLSearchParams({ client_id: config.clientId, post_logout_redirect_uri: config.redirectUri });
    if (tokens && tokens.id_token) { params.set('id_token_hint', tokens.id_token); }
    tokens = null;
    window.location.assign(config.realmUrl + '/protocol/openid-connect/logout?' + params.toString());
  }

  // ---- admin API ----------------------------------------------------------------------------

  function api(method, path, body, retried) {
    var options = { method: method, credentials: 'omit', cache: 'no-store',
      headers: { 'Authorization': 'Bearer ' + tokens.access_token, 'Accept': 'application/json' } };
    if (body !== undefined) {
      options.headers['Content-Type'] = 'application/json';
      options.body = JSON.stringify(body);
    }
    return fetch(config.adminUrl + path, options).then(function (response) {
      if (response.status === 401 && !retried) {
        return refresh().then(function () { return api(method, path, body, true); });
      }
      return response.text().then(function (text) {
        var json = null;
        try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
        return { status: response.status, ok: response.ok, json: json };
      });
    });
  }

  // ---- employee list ------------------------------------------------------------------------

  function formatTime(value) {
    if (!value) { return msg('ocqAdminNever'); }
    var date = /^\d+$/.test(value) ? new Date(Number(value) < 1e12 ? Number(value) * 1000 : Number(value)) : new Date(value);
    return isNaN(date.getTime()) ? value : date.toLocaleString(config.locale, { hour12: false });
  }

  function cell(row, text, className) {
    var td = document.createElement('td');
    td.textContent = text;
    if (className) { td.className = className; }
    row.appendChild(td);
    return td;
  }

  function loadUsers() {
    status(msg('ocqAdminLoading'));
    var query = new URLSearchParams({ first: String(page.first), max: String(page.max) });
    if (page.search) { query.set('search', page.search); }
    return api('GET', '/ocq/users?' + query.toString()).then(function (result) {
      status('');
      if (result.status === 403) { fail(msg('ocqAdminForbidden'), false); show($('ocq-users'), false); return; }
      if (!result.ok) { fail(msg('ocqAdminLoadFailed'), false); return; }
      show($('ocq-error'), false);
      renderUsers(result.json);
    }).catch(function () { fail(msg('ocqAdminLoadFailed'), false); });
  }

  function renderUsers(list) {
    var body = $('ocq-user-rows');
    body.textContent = '';
    list.users.forEach(function (user) {
      var row = document.createElement('tr');
      row.dataset.username = user.username;
      cell(row, user.name || user.username, 'ocq-name');
      cell(row, user.username);
      cell(row, user.departments.join('、') || msg('ocqAdminNone'));
      cell(row, user.phoneNumber || msg('ocqAdminNone'));
      cell(row, user.enabled ? msg('ocqAdminEnabled') : msg('ocqAdminDisabled'), user.enabled ? '' : 'ocq-disabled');
      cell(row, formatTime(user.lastLoginTime));
      var actions = cell(row, '');
      if (user.manage) {
        var button = document.createElement('button');
        button.type = 'button';
        button.className = 'ocq-button ocq-small ocq-reset';
        button.textContent = msg('ocqAdminReset');
        button.addEventListener('click', function () { openReset(user); });
        actions.appendChild(button);
      }
      body.appendChild(row);
    });
    $('ocq-list-message').textContent = list.users.length ? '' : msg('ocqAdminEmpty');
    show($('ocq-list-message'), !list.users.length);
    $('ocq-page').textContent = msg('ocqAdminPage', Math.floor(list.first / list.max) + 1);
    $('ocq-previous').disabled = list.first === 0;
    $('ocq-next').disabled = !list.more;
    show($('ocq-users'), true);
  }

  // ---- 重置帐号 -------------------------------------------------------------------------------

  function openReset(user) {
    current = user;
    $('ocq-reset-name').textContent = user.name ? user.name + '（' + user.username + '）' : user.username;
    $('ocq-reset-phone').textContent = user.phoneNumber || msg('ocqAdminNone');
    $('ocq-method-phone').disabled = !user.phoneNumber;
    $('ocq-method-email').disabled = !user.email;
    var method = ['phone', 'email', 'all'].indexOf(user.loginMethods) >= 0 ? user.loginMethods : 'all';
    if ($('ocq-method-' + method).disabled) { method = 'all'; }
    $('ocq-method-' + method).checked = true;
    $('ocq-send-sms').checked = false;
    $('ocq-send-sms').disabled = !user.phoneNumber;
    show($('ocq-reset-error'), false);
    show($('ocq-reset-form'), true);
    show($('ocq-reset-result'), false);
    $('ocq-reset-confirm').disabled = false;
    $('ocq-reset-confirm').textContent = msg('ocqAdminConfirm');
    $('ocq-reset-dialog').showModal();
  }

  function resetError(result) {
    if (result.status === 403) { return msg('ocqAdminResetForbidden'); }
    if (result.status === 404) { return msg('ocqAdminResetNotFound'); }
    var code = result.json && result.json.error;
    if (code === 'no_phone_number') { return msg('ocqAdminNoPhoneForMethod'); }
    if (code === 'no_email') { return msg('ocqAdminNoEmailForMethod'); }
    return msg('ocqAdminResetFailed', (result.json && result.json.error_description) || result.status);
  }

  function confirmReset(event) {
    event.preventDefault();
    var method = document.querySelector('input[name="loginMethods"]:checked');
    var body = { loginMethods: method ? method.value : 'all', sendSms: $('ocq-send-sms').checked };
    $('ocq-reset-confirm').disabled = true;
    $('ocq-reset-confirm').textContent = msg('ocqAdminWorking');
    api('POST', '/ocq/users/' + encodeURIComponent(current.id) + '/reset-account', body).then(function (result) {
      if (!result.ok) {
        $('ocq-reset-error').textContent = resetError(result);
        show($('ocq-reset-error'), true);
        $('ocq-reset-confirm').disabled = false;
        $('ocq-reset-confirm').textContent = msg('ocqAdminConfirm');
        return;
      }
      showPassword(result.json);
    }).catch(function () {
      $('ocq-reset-error').textContent = msg('ocqAdminResetFailed', '');
      show($('ocq-reset-error'), true);
      $('ocq-reset-confirm').disabled = false;
    });
  }

  function showPassword(result) {
    show($('ocq-reset-form'), false);
    $('ocq-password').value = result.password;
    $('ocq-copy').textContent = msg('ocqAdminCopy');
    var sms = result.sms || {};
    var text = '';
    if (sms.requested && sms.sent) { text = msg('ocqAdminSmsSent', sms.phoneNumber); }
    else if (sms.requested && sms.reason === 'no_phone_number') { text = msg('ocqAdminSmsNoPhone'); }
    else if (sms.requested) { text = msg('ocqAdminSmsFailed'); }
    $('ocq-sms-result').textContent = text;
    show($('ocq-reset-result'), true);
    $('ocq-password').focus();
    $('ocq-password').select();
  }

  function copyPassword() {
    var field = $('ocq-password');
    var done = function () { $('ocq-copy').textContent = msg('ocqAdminCopied'); };
    var fallback = function () {
      field.focus();
      field.select();
      if (document.execCommand('copy')) { done(); }
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(field.value).then(done, fallback);
    } else {
      fallback();
    }
  }

  function closeReset() {
    $('ocq-password').value = '';
    $('ocq-reset-dialog').close();
  }

  // ---- start --------------------------------------------------------------------------------

  function start() {
    $('ocq-sign-in').addEventListener('click', signIn);
    $('ocq-sign-out').addEventListener('click', signOut);
    $('ocq-search-form').addEventListener('submit', function (event) {
      event.preventDefault();
      page.search = $('ocq-search').value.trim();
      page.first = 0;
      loadUsers();
    });
    $('ocq-previous').addEventListener('click', function () { page.first = Math.max(0, page.first - page.max); loadUsers(); });
    $('ocq-next').addEventListener('click', function () { page.first += page.max; loadUsers(); });
    $('ocq-reset-form').addEventListener('submit', confirmReset);
    $('ocq-reset-cancel').addEventListener('click', function () { $('ocq-reset-dialog').close(); });
    $('ocq-copy').addEventListener('click', copyPassword);
    $('ocq-reset-close').addEventListener('click', closeReset);
    $('ocq-reset-dialog').addEventListener('close', function () {
      $('ocq-password').value = '';
      if (!$('ocq-reset-result').hidden) { loadUsers(); }
    });

    var params = new URLSearchParams(window.location.search);
    if (params.get('error')) {
      window.history.replaceState(null, '', config.redirectUri);
      fail(msg('ocqAdminSignInFailed'), true);
      return;
    }
    if (!params.get('code')) {
      signIn();
      return;
    }
    completeSignIn(params).then(function () {
      $('ocq-admin-user').textContent = displayName(claims(tokens.id_token || tokens.access_token));
      show($('ocq-sign-out'), true);
      return loadUsers();
    }).catch(function () { fail(msg('ocqAdminSignInFailed'), true); });
  }

  start();
})();
