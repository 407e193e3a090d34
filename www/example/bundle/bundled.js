// node_modules/usage-lens/usage_lens.js
var GenesysClient = class {
  __destroy_into_raw() {
    const ptr = this.__wbg_ptr;
    this.__wbg_ptr = 0;
    GenesysClientFinalization.unregister(this);
    return ptr;
  }
  free() {
    const ptr = this.__destroy_into_raw();
    wasm.__wbg_genesysclient_free(ptr, 0);
  }
  /**
   * Runs an organization aggregates job and returns every page's rows.
   * @param {OrganizationPublicApiUsageQueryRequest} request
   * @param {CallOptions} [opts]
   * @returns {Promise<PublicApiUsageResultsResponse>}
   */
  aggregatesQuery(request, opts) {
    const ret = wasm.genesysclient_aggregatesQuery(this.__wbg_ptr, request, isLikeNone(opts) ? 0 : addToExternrefTable0(opts));
    return ret;
  }
  /**
   * The API base URL requests go to.
   * @returns {string}
   */
  get baseUrl() {
    let deferred1_0;
    let deferred1_1;
    try {
      const ret = wasm.genesysclient_baseUrl(this.__wbg_ptr);
      deferred1_0 = ret[0];
      deferred1_1 = ret[1];
      return getStringFromWasm0(ret[0], ret[1]);
    } finally {
      wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
    }
  }
  /**
   * Runs the aggregates job of one OAuth client and returns every page's rows.
   * @param {string} clientId
   * @param {ClientPublicApiUsageQueryRequest} request
   * @param {CallOptions} [opts]
   * @returns {Promise<PublicApiUsageResultsResponse>}
   */
  clientAggregatesQuery(clientId, request, opts) {
    const ptr0 = passStringToWasm0(clientId, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
    const len0 = WASM_VECTOR_LEN;
    const ret = wasm.genesysclient_clientAggregatesQuery(this.__wbg_ptr, ptr0, len0, request, isLikeNone(opts) ? 0 : addToExternrefTable0(opts));
    return ret;
  }
  /**
   * The usage summary of one OAuth client over the last `days` days (default 7).
   * @param {string} clientId
   * @param {number} [days]
   * @param {CallOptions} [opts]
   * @returns {Promise<ApiUsageQueryResult>}
   */
  clientUsageSummary(clientId, days, opts) {
    const val2 = +(isLikeNone(days) ? 0 : days);
    const ptr0 = passStringToWasm0(clientId, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
    const len0 = WASM_VECTOR_LEN;
    const ret = wasm.genesysclient_clientUsageSummary(this.__wbg_ptr, ptr0, len0, !isLikeNone(days), val2, isLikeNone(opts) ? 0 : addToExternrefTable0(opts));
    return ret;
  }
  /**
   * A client for one region (or base URL) and token.
   *
   * ```js
   * const gc = new GenesysClient({ region: "mypurecloud.com", accessToken });
   * ```
   * @param {GenesysConfig} config
   */
  constructor(config) {
    const ret = wasm.genesysclient_new(config);
    if (ret[2]) {
      throw takeFromExternrefTable0(ret[1]);
    }
    this.__wbg_ptr = ret[0];
    GenesysClientFinalization.register(this, this.__wbg_ptr, this);
    return this;
  }
  /**
   * Runs the usage query of one OAuth client until it is complete.
   * @param {string} clientId
   * @param {ApiUsageClientQuery} query
   * @param {CallOptions} [opts]
   * @returns {Promise<ApiUsageQueryResult>}
   */
  queryClientUsage(clientId, query, opts) {
    const ptr0 = passStringToWasm0(clientId, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
    const len0 = WASM_VECTOR_LEN;
    const ret = wasm.genesysclient_queryClientUsage(this.__wbg_ptr, ptr0, len0, query, isLikeNone(opts) ? 0 : addToExternrefTable0(opts));
    return ret;
  }
  /**
   * Runs an organization usage query until it is complete.
   * @param {ApiUsageOrganizationQuery} query
   * @param {CallOptions} [opts]
   * @returns {Promise<ApiUsageQueryResult>}
   */
  queryOrganizationUsage(query, opts) {
    const ret = wasm.genesysclient_queryOrganizationUsage(this.__wbg_ptr, query, isLikeNone(opts) ? 0 : addToExternrefTable0(opts));
    return ret;
  }
  /**
   * Runs a simple search and returns every page's rows concatenated.
   * @param {ApiUsageSimpleSearch} search
   * @param {CallOptions} [opts]
   * @returns {Promise<ApiUsageQueryResult>}
   */
  simpleSearch(search, opts) {
    const ret = wasm.genesysclient_simpleSearch(this.__wbg_ptr, search, isLikeNone(opts) ? 0 : addToExternrefTable0(opts));
    return ret;
  }
};
if (Symbol.dispose) GenesysClient.prototype[Symbol.dispose] = GenesysClient.prototype.free;
var ThousandEyesClient = class {
  __destroy_into_raw() {
    const ptr = this.__wbg_ptr;
    this.__wbg_ptr = 0;
    ThousandEyesClientFinalization.unregister(this);
    return ptr;
  }
  free() {
    const ptr = this.__destroy_into_raw();
    wasm.__wbg_thousandeyesclient_free(ptr, 0);
  }
  /**
   * The base URL requests go to.
   * @returns {string}
   */
  get baseUrl() {
    let deferred1_0;
    let deferred1_1;
    try {
      const ret = wasm.thousandeyesclient_baseUrl(this.__wbg_ptr);
      deferred1_0 = ret[0];
      deferred1_1 = ret[1];
      return getStringFromWasm0(ret[0], ret[1]);
    } finally {
      wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
    }
  }
  /**
   * Enterprise-agent units per account group and agent over a range, merged.
   * @param {EnterpriseAgentsUnitsParams} [params]
   * @param {CallOptions} [opts]
   * @returns {Promise<EnterpriseAgentsUsage>}
   */
  enterpriseAgentUnitsUsage(params2, opts) {
    const ret = wasm.thousandeyesclient_enterpriseAgentUnitsUsage(this.__wbg_ptr, isLikeNone(params2) ? 0 : addToExternrefTable0(params2), isLikeNone(opts) ? 0 : addToExternrefTable0(opts));
    return ret;
  }
  /**
   * A client for a token and, optionally, a base URL (a proxy).
   *
   * ```js
   * const te = new ThousandEyesClient({ accessToken });
   * ```
   * @param {ThousandEyesConfig} config
   */
  constructor(config) {
    const ret = wasm.thousandeyesclient_new(config);
    if (ret[2]) {
      throw takeFromExternrefTable0(ret[1]);
    }
    this.__wbg_ptr = ret[0];
    ThousandEyesClientFinalization.register(this, this.__wbg_ptr, this);
    return this;
  }
  /**
   * The quotas the caller may see (read-only).
   * @param {CallOptions} [opts]
   * @returns {Promise<Quotas>}
   */
  quotas(opts) {
    const ret = wasm.thousandeyesclient_quotas(this.__wbg_ptr, isLikeNone(opts) ? 0 : addToExternrefTable0(opts));
    return ret;
  }
  /**
   * Cloud and enterprise units per test over a range, every page merged.
   * @param {TestsUnitsParams} [params]
   * @param {CallOptions} [opts]
   * @returns {Promise<TestsUsage>}
   */
  testUnitsUsage(params2, opts) {
    const ret = wasm.thousandeyesclient_testUnitsUsage(this.__wbg_ptr, isLikeNone(params2) ? 0 : addToExternrefTable0(params2), isLikeNone(opts) ? 0 : addToExternrefTable0(opts));
    return ret;
  }
  /**
   * Usage of the current billing period.
   * @param {UsageParams} [params]
   * @param {CallOptions} [opts]
   * @returns {Promise<Usage>}
   */
  usage(params2, opts) {
    const ret = wasm.thousandeyesclient_usage(this.__wbg_ptr, isLikeNone(params2) ? 0 : addToExternrefTable0(params2), isLikeNone(opts) ? 0 : addToExternrefTable0(opts));
    return ret;
  }
};
if (Symbol.dispose) ThousandEyesClient.prototype[Symbol.dispose] = ThousandEyesClient.prototype.free;
function __wbg_get_imports() {
  const import0 = {
    __proto__: null,
    __wbg___wbindgen_boolean_get_4f1baf9a00be3c74: function(arg0) {
      const v = arg0;
      const ret = typeof v === "boolean" ? v : void 0;
      return isLikeNone(ret) ? 16777215 : ret ? 1 : 0;
    },
    __wbg___wbindgen_is_function_741ff2bb612836f5: function(arg0) {
      const ret = typeof arg0 === "function";
      return ret;
    },
    __wbg___wbindgen_is_null_c22311b1cc228e3a: function(arg0) {
      const ret = arg0 === null;
      return ret;
    },
    __wbg___wbindgen_is_object_8b968c3ab8e96595: function(arg0) {
      const val = arg0;
      const ret = typeof val === "object" && val !== null;
      return ret;
    },
    __wbg___wbindgen_is_undefined_be5b34249ff1fc15: function(arg0) {
      const ret = arg0 === void 0;
      return ret;
    },
    __wbg___wbindgen_number_get_934b640d0889af78: function(arg0, arg1) {
      const obj = arg1;
      const ret = typeof obj === "number" ? obj : void 0;
      getDataViewMemory0().setFloat64((arg0 >>> 0) + 8 * 1, isLikeNone(ret) ? 0 : ret, true);
      getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, !isLikeNone(ret), true);
    },
    __wbg___wbindgen_string_get_7ce8eee7fd327545: function(arg0, arg1) {
      const obj = arg1;
      const ret = typeof obj === "string" ? obj : void 0;
      var ptr1 = isLikeNone(ret) ? 0 : passStringToWasm0(ret, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
      var len1 = WASM_VECTOR_LEN;
      getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 1, len1, true);
      getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, ptr1, true);
    },
    __wbg___wbindgen_throw_4c88d8bf264fd984: function(arg0, arg1) {
      throw new Error(getStringFromWasm0(arg0, arg1));
    },
    __wbg__wbg_cb_unref_09736879a3f67559: function(arg0) {
      arg0._wbg_cb_unref();
    },
    __wbg_abort_f8d1589eb0c65ee2: function(arg0) {
      arg0.abort();
    },
    __wbg_aborted_31456edf1be00084: function(arg0) {
      const ret = arg0.aborted;
      return ret;
    },
    __wbg_addEventListener_847fd86b8c33ec43: function() {
      return handleError(function(arg0, arg1, arg2, arg3) {
        arg0.addEventListener(getStringFromWasm0(arg1, arg2), arg3);
      }, arguments);
    },
    __wbg_append_ba9a4dc30a0323fd: function() {
      return handleError(function(arg0, arg1, arg2, arg3, arg4) {
        arg0.append(getStringFromWasm0(arg1, arg2), getStringFromWasm0(arg3, arg4));
      }, arguments);
    },
    __wbg_call_40b008ba32f73991: function() {
      return handleError(function(arg0, arg1) {
        const ret = arg0.call(arg1);
        return ret;
      }, arguments);
    },
    __wbg_call_a410eb4b59ed5965: function() {
      return handleError(function(arg0, arg1, arg2) {
        const ret = arg0.call(arg1, arg2);
        return ret;
      }, arguments);
    },
    __wbg_clearTimeout_02b836fcab6fd0ad: function(arg0) {
      clearTimeout(arg0);
    },
    __wbg_done_57e08d0be6e30c02: function(arg0) {
      const ret = arg0.done;
      return ret;
    },
    __wbg_fetch_f3310808b807d3f4: function(arg0) {
      const ret = fetch(arg0);
      return ret;
    },
    __wbg_get_2080c49015e35254: function() {
      return handleError(function(arg0, arg1) {
        const ret = Reflect.get(arg0, arg1);
        return ret;
      }, arguments);
    },
    __wbg_get_635eea311fa1a291: function() {
      return handleError(function(arg0, arg1) {
        const ret = Reflect.get(arg0, arg1);
        return ret;
      }, arguments);
    },
    __wbg_get_d7176cfb76d71114: function(arg0, arg1) {
      const ret = arg0[arg1 >>> 0];
      return ret;
    },
    __wbg_get_unchecked_e6325ad374eff861: function(arg0, arg1) {
      const ret = arg0[arg1 >>> 0];
      return ret;
    },
    __wbg_headers_5fc0106c076eb731: function(arg0) {
      const ret = arg0.headers;
      return ret;
    },
    __wbg_instanceof_AbortSignal_16e867a9888f3bc7: function(arg0) {
      let result;
      try {
        result = arg0 instanceof AbortSignal;
      } catch (_) {
        result = false;
      }
      const ret = result;
      return ret;
    },
    __wbg_instanceof_Error_74e3cca0c4a69161: function(arg0) {
      let result;
      try {
        result = arg0 instanceof Error;
      } catch (_) {
        result = false;
      }
      const ret = result;
      return ret;
    },
    __wbg_instanceof_Response_5b0b4f7f1daeae51: function(arg0) {
      let result;
      try {
        result = arg0 instanceof Response;
      } catch (_) {
        result = false;
      }
      const ret = result;
      return ret;
    },
    __wbg_iterator_e4c5e8f68ada7b58: function() {
      const ret = Symbol.iterator;
      return ret;
    },
    __wbg_keys_105f5c0857898f84: function(arg0) {
      const ret = Object.keys(arg0);
      return ret;
    },
    __wbg_length_b03a0fabb109b1e9: function(arg0) {
      const ret = arg0.length;
      return ret;
    },
    __wbg_message_43d8c8f1d543a349: function(arg0) {
      const ret = arg0.message;
      return ret;
    },
    __wbg_new_277c27c26f94cbc2: function() {
      return handleError(function() {
        const ret = new Headers();
        return ret;
      }, arguments);
    },
    __wbg_new_5f28518387ad0e34: function() {
      return handleError(function() {
        const ret = new AbortController();
        return ret;
      }, arguments);
    },
    __wbg_new_787b9fb330d55d78: function(arg0, arg1) {
      const ret = new Error(getStringFromWasm0(arg0, arg1));
      return ret;
    },
    __wbg_new_cd4348290afae586: function() {
      const ret = new Object();
      return ret;
    },
    __wbg_new_typed_e09da9dae6ee5935: function(arg0, arg1) {
      try {
        var state0 = { a: arg0, b: arg1 };
        var cb0 = (arg02, arg12) => {
          const a = state0.a;
          state0.a = 0;
          try {
            return wasm_bindgen__convert__closures_____invoke__hb7bae8d1ceda1975(a, state0.b, arg02, arg12);
          } finally {
            state0.a = a;
          }
        };
        const ret = new Promise(cb0);
        return ret;
      } finally {
        state0.a = 0;
      }
    },
    __wbg_new_with_str_and_init_d9f6b5611184e16b: function() {
      return handleError(function(arg0, arg1, arg2) {
        const ret = new Request(getStringFromWasm0(arg0, arg1), arg2);
        return ret;
      }, arguments);
    },
    __wbg_next_178c1651c11432b3: function(arg0) {
      const ret = arg0.next;
      return ret;
    },
    __wbg_next_af5ac6a08bb0a717: function() {
      return handleError(function(arg0) {
        const ret = arg0.next();
        return ret;
      }, arguments);
    },
    __wbg_now_463ac581d2fc7ea3: function() {
      const ret = Date.now();
      return ret;
    },
    __wbg_parse_c3f72b5a24f83c01: function() {
      return handleError(function(arg0, arg1) {
        const ret = JSON.parse(getStringFromWasm0(arg0, arg1));
        return ret;
      }, arguments);
    },
    __wbg_queueMicrotask_1e8503a8a690f0a3: function(arg0) {
      const ret = arg0.queueMicrotask;
      return ret;
    },
    __wbg_queueMicrotask_4a1a4d8dd332373b: function(arg0) {
      queueMicrotask(arg0);
    },
    __wbg_reject_334b730b3c00849b: function(arg0) {
      const ret = Promise.reject(arg0);
      return ret;
    },
    __wbg_removeEventListener_4e20bd5fac3de092: function() {
      return handleError(function(arg0, arg1, arg2, arg3) {
        arg0.removeEventListener(getStringFromWasm0(arg1, arg2), arg3);
      }, arguments);
    },
    __wbg_resolve_dbf78ab4942478b0: function(arg0) {
      const ret = Promise.resolve(arg0);
      return ret;
    },
    __wbg_setTimeout_3b6a6da0094091ff: function(arg0, arg1) {
      const ret = setTimeout(arg0, arg1);
      return ret;
    },
    __wbg_set_2793479888329cb6: function() {
      return handleError(function(arg0, arg1, arg2) {
        const ret = Reflect.set(arg0, arg1, arg2);
        return ret;
      }, arguments);
    },
    __wbg_set_body_877d5251e78ca815: function(arg0, arg1) {
      arg0.body = arg1;
    },
    __wbg_set_headers_6d75a7df4eb22716: function(arg0, arg1) {
      arg0.headers = arg1;
    },
    __wbg_set_method_639e69af35614d36: function(arg0, arg1, arg2) {
      arg0.method = getStringFromWasm0(arg1, arg2);
    },
    __wbg_set_name_822e3903f3184979: function(arg0, arg1, arg2) {
      arg0.name = getStringFromWasm0(arg1, arg2);
    },
    __wbg_set_signal_0b2eee78907e5ba7: function(arg0, arg1) {
      arg0.signal = arg1;
    },
    __wbg_signal_fac908876f45725d: function(arg0) {
      const ret = arg0.signal;
      return ret;
    },
    __wbg_static_accessor_GLOBAL_THIS_003ee833af9699fc: function() {
      const ret = typeof globalThis === "undefined" ? void 0 : globalThis;
      return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
    },
    __wbg_static_accessor_GLOBAL_e4293fb22cbe77da: function() {
      const ret = typeof global === "undefined" ? void 0 : global;
      return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
    },
    __wbg_static_accessor_SELF_53bb20457401453d: function() {
      const ret = typeof self === "undefined" ? void 0 : self;
      return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
    },
    __wbg_static_accessor_WINDOW_b5e0810bfecb7feb: function() {
      const ret = typeof window === "undefined" ? void 0 : window;
      return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
    },
    __wbg_status_cb85b6c8d1769fa1: function(arg0) {
      const ret = arg0.status;
      return ret;
    },
    __wbg_stringify_0a0fbf2ef722380a: function() {
      return handleError(function(arg0) {
        const ret = JSON.stringify(arg0);
        return ret;
      }, arguments);
    },
    __wbg_text_5240eb2c41de8292: function() {
      return handleError(function(arg0) {
        const ret = arg0.text();
        return ret;
      }, arguments);
    },
    __wbg_then_656f253a5dd7d8ea: function(arg0, arg1, arg2) {
      const ret = arg0.then(arg1, arg2);
      return ret;
    },
    __wbg_then_e3f7f2d365708be8: function(arg0, arg1) {
      const ret = arg0.then(arg1);
      return ret;
    },
    __wbg_value_e0f328965e184931: function(arg0) {
      const ret = arg0.value;
      return ret;
    },
    __wbindgen_generic_0000000000000001: function(arg0, arg1) {
      const ret = makeMutClosure(arg0, arg1, wasm_bindgen__convert__closures_____invoke__h5e84aab8614c9381);
      return ret;
    },
    __wbindgen_generic_0000000000000002: function(arg0, arg1) {
      const ret = makeMutClosure(arg0, arg1, wasm_bindgen__convert__closures_____invoke__h730df3648b2703c8);
      return ret;
    },
    __wbindgen_generic_0000000000000003: function(arg0) {
      const ret = arg0;
      return ret;
    },
    __wbindgen_generic_0000000000000004: function(arg0, arg1) {
      const ret = getStringFromWasm0(arg0, arg1);
      return ret;
    },
    __wbindgen_init_externref_table: function() {
      const table = wasm.__wbindgen_externrefs;
      table.set(0, void 0);
      table.set(1024, void 0);
      table.set(1025, null);
      table.set(1026, true);
      table.set(1027, false);
    }
  };
  return {
    __proto__: null,
    "./usage_lens_bg.js": import0
  };
}
function wasm_bindgen__convert__closures_____invoke__h730df3648b2703c8(arg0, arg1) {
  wasm.wasm_bindgen__convert__closures_____invoke__h730df3648b2703c8(arg0, arg1);
}
function wasm_bindgen__convert__closures_____invoke__h5e84aab8614c9381(arg0, arg1, arg2) {
  const ret = wasm.wasm_bindgen__convert__closures_____invoke__h5e84aab8614c9381(arg0, arg1, arg2);
  if (ret[1]) {
    throw takeFromExternrefTable0(ret[0]);
  }
}
function wasm_bindgen__convert__closures_____invoke__hb7bae8d1ceda1975(arg0, arg1, arg2, arg3) {
  wasm.wasm_bindgen__convert__closures_____invoke__hb7bae8d1ceda1975(arg0, arg1, arg2, arg3);
}
var GenesysClientFinalization = typeof FinalizationRegistry === "undefined" ? { register: () => {
}, unregister: () => {
} } : new FinalizationRegistry((ptr) => wasm.__wbg_genesysclient_free(ptr, 1));
var ThousandEyesClientFinalization = typeof FinalizationRegistry === "undefined" ? { register: () => {
}, unregister: () => {
} } : new FinalizationRegistry((ptr) => wasm.__wbg_thousandeyesclient_free(ptr, 1));
function addToExternrefTable0(obj) {
  const idx = wasm.__externref_table_alloc();
  wasm.__wbindgen_externrefs.set(idx, obj);
  return idx;
}
var CLOSURE_DTORS = typeof FinalizationRegistry === "undefined" ? { register: () => {
}, unregister: () => {
} } : new FinalizationRegistry((state) => wasm.__wbindgen_destroy_closure(state.a, state.b));
var cachedDataViewMemory0 = null;
function getDataViewMemory0() {
  if (cachedDataViewMemory0 === null || cachedDataViewMemory0.buffer.detached === true || cachedDataViewMemory0.buffer.detached === void 0 && cachedDataViewMemory0.buffer !== wasm.memory.buffer) {
    cachedDataViewMemory0 = new DataView(wasm.memory.buffer);
  }
  return cachedDataViewMemory0;
}
function getStringFromWasm0(ptr, len) {
  ptr = ptr >>> 0;
  return decodeText(getUint8ArrayMemory0().subarray(ptr, ptr + len));
}
var cachedUint8ArrayMemory0 = null;
function getUint8ArrayMemory0() {
  if (cachedUint8ArrayMemory0 === null || cachedUint8ArrayMemory0.byteLength === 0) {
    cachedUint8ArrayMemory0 = new Uint8Array(wasm.memory.buffer);
  }
  return cachedUint8ArrayMemory0;
}
function handleError(f, args) {
  try {
    return f.apply(this, args);
  } catch (e) {
    const idx = addToExternrefTable0(e);
    wasm.__wbindgen_exn_store(idx);
  }
}
function isLikeNone(x) {
  return x === void 0 || x === null;
}
function makeMutClosure(arg0, arg1, f) {
  const state = { a: arg0, b: arg1, cnt: 1 };
  const real = (...args) => {
    state.cnt++;
    const a = state.a;
    state.a = 0;
    try {
      return f(a, state.b, ...args);
    } finally {
      state.a = a;
      real._wbg_cb_unref();
    }
  };
  real._wbg_cb_unref = () => {
    if (--state.cnt === 0) {
      wasm.__wbindgen_destroy_closure(state.a, state.b);
      state.a = 0;
      CLOSURE_DTORS.unregister(state);
    }
  };
  CLOSURE_DTORS.register(real, state, state);
  return real;
}
function passStringToWasm0(arg, malloc, realloc) {
  if (realloc === void 0) {
    const buf = cachedTextEncoder.encode(arg);
    const ptr2 = malloc(buf.length, 1) >>> 0;
    getUint8ArrayMemory0().subarray(ptr2, ptr2 + buf.length).set(buf);
    WASM_VECTOR_LEN = buf.length;
    return ptr2;
  }
  let len = arg.length;
  let ptr = malloc(len, 1) >>> 0;
  const mem = getUint8ArrayMemory0();
  let offset = 0;
  for (; offset < len; offset++) {
    const code = arg.charCodeAt(offset);
    if (code > 127) break;
    mem[ptr + offset] = code;
  }
  if (offset !== len) {
    if (offset !== 0) {
      arg = arg.slice(offset);
    }
    ptr = realloc(ptr, len, len = offset + arg.length * 3, 1) >>> 0;
    const view = getUint8ArrayMemory0().subarray(ptr + offset, ptr + len);
    const ret = cachedTextEncoder.encodeInto(arg, view);
    offset += ret.written;
    ptr = realloc(ptr, len, offset, 1) >>> 0;
  }
  WASM_VECTOR_LEN = offset;
  return ptr;
}
function takeFromExternrefTable0(idx) {
  const value = wasm.__wbindgen_externrefs.get(idx);
  wasm.__externref_table_dealloc(idx);
  return value;
}
var cachedTextDecoder = new TextDecoder("utf-8", { ignoreBOM: true });
cachedTextDecoder.decode();
var MAX_SAFARI_DECODE_BYTES = 2146435072;
var numBytesDecoded = 0;
function decodeText(bytes) {
  numBytesDecoded += bytes.length;
  if (numBytesDecoded >= MAX_SAFARI_DECODE_BYTES) {
    cachedTextDecoder = new TextDecoder("utf-8", { ignoreBOM: true });
    cachedTextDecoder.decode();
    numBytesDecoded = bytes.length;
  }
  return cachedTextDecoder.decode(bytes);
}
var cachedTextEncoder = new TextEncoder();
if (!("encodeInto" in cachedTextEncoder)) {
  cachedTextEncoder.encodeInto = function(arg, view) {
    const buf = cachedTextEncoder.encode(arg);
    view.set(buf);
    return {
      read: arg.length,
      written: buf.length
    };
  };
}
var WASM_VECTOR_LEN = 0;
var wasmModule;
var wasmInstance;
var wasm;
function __wbg_finalize_init(instance, module) {
  wasmInstance = instance;
  wasm = instance.exports;
  wasmModule = module;
  cachedDataViewMemory0 = null;
  cachedUint8ArrayMemory0 = null;
  wasm.__wbindgen_start();
  return wasm;
}
async function __wbg_load(module, imports) {
  if (typeof Response === "function" && module instanceof Response) {
    if (!module.ok) {
      throw new Error(`failed to fetch Wasm: ${module.status} ${module.statusText} fetching '${module.url}'`);
    }
    if (typeof WebAssembly.instantiateStreaming === "function") {
      try {
        return await WebAssembly.instantiateStreaming(module, imports);
      } catch (e) {
        const validResponse = expectedResponseType(module.type);
        if (validResponse && module.headers.get("Content-Type") !== "application/wasm") {
          console.warn("`WebAssembly.instantiateStreaming` failed because your server does not serve Wasm with `application/wasm` MIME type. Falling back to `WebAssembly.instantiate` which is slower. Original error:\n", e);
        } else {
          throw e;
        }
      }
    }
    const bytes = await module.arrayBuffer();
    return await WebAssembly.instantiate(bytes, imports);
  } else {
    const instance = await WebAssembly.instantiate(module, imports);
    if (instance instanceof WebAssembly.Instance) {
      return { instance, module };
    } else {
      return instance;
    }
  }
  function expectedResponseType(type) {
    switch (type) {
      case "basic":
      case "cors":
      case "default":
        return true;
    }
    return false;
  }
}
var __wbg_init_promise;
async function __wbg_init(module_or_path) {
  if (wasm !== void 0) return wasm;
  if (__wbg_init_promise === void 0) {
    __wbg_init_promise = __wbg_init_once(module_or_path);
    __wbg_init_promise.catch(() => {
      __wbg_init_promise = void 0;
    });
  }
  return __wbg_init_promise;
}
async function __wbg_init_once(module_or_path) {
  if (module_or_path !== void 0) {
    if (Object.getPrototypeOf(module_or_path) === Object.prototype) {
      ({ module_or_path } = module_or_path);
    } else {
      console.warn("using deprecated parameters for the initialization function; pass a single object instead");
    }
  }
  if (module_or_path === void 0) {
    module_or_path = new URL("usage_lens_bg.wasm", import.meta.url);
  }
  const imports = __wbg_get_imports();
  if (typeof module_or_path === "string" || typeof Request === "function" && module_or_path instanceof Request || typeof URL === "function" && module_or_path instanceof URL) {
    module_or_path = fetch(module_or_path);
  }
  const { instance, module } = await __wbg_load(await module_or_path, imports);
  return __wbg_finalize_init(instance, module);
}

// example/bundled.js
var params = new URLSearchParams(location.search);
await __wbg_init();
var gc = new GenesysClient({ baseUrl: params.get("base"), accessToken: "bundled-example" });
var now = /* @__PURE__ */ new Date();
var end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
var start = new Date(end.getTime() - 3 * 864e5);
var r = await gc.queryOrganizationUsage({ interval: `${start.toISOString().slice(0, 10)}/${end.toISOString().slice(0, 10)}` });
var out = document.createElement("output");
out.dataset.testid = "bundled-result";
out.textContent = `${r.queryStatus}: ${r.results.length} rows`;
document.body.append(out);
