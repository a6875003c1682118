(function(){
  // The findings are data (script elements of type application/json, never executed):
  // rows are built a page at a time, and only ever through textContent, so that no text
  // from the account is read as markup.
  var d=document,tbody=d.getElementById('rows'),metaBlock=d.getElementById('findings-meta');
  if(!tbody||!metaBlock){return;}
  var start=performance.now();
  var meta=JSON.parse(metaBlock.textContent),n=meta.n,PAGE=meta.page,CHUNK=meta.chunk;
  var K=new Uint32Array(n),S=new Uint8Array(n),T=new Uint8Array(n),G=new Uint32Array(n),A=new Uint32Array(n);
  var R=[],M=[],W={},at=0;
  [].forEach.call(d.querySelectorAll('script.findings-data'),function(block){
    var c=JSON.parse(block.textContent),m=c.k.length;
    for(var j=0;j<m&&at+j<n;j++){
      var i=at+j;K[i]=c.k[j];S[i]=c.s[j];T[i]=c.t[j];G[i]=c.g[j];A[i]=c.a?c.a[j]:0;R.push(c.r[j]);M.push(c.m[j]);
    }
    c.w.forEach(function(w){W[at+w[0]]=w;});
    at+=m;
  });
  n=Math.min(n,at);
  var kinds=meta.kinds,kindText=kinds.map(function(k){return (k[1]+' '+k[0]+' '+k[3]).toLowerCase();});
  var regionText=meta.regions.map(function(r){return r.toLowerCase();});
  var lowR,lowM;// lower-case resources and messages, made by the first search
  var evidenceBlocks=d.querySelectorAll('script.findings-evidence'),evidenceStarts={};
  var SELECTS=['duty','region','rule','account'];
  var DEFAULTS={q:'',sev:'critical,high,medium,low,info',st:'fail,unknown,waived',duty:'',region:'',rule:'',account:'',sort:'sev',dir:'desc',page:'1'};
  var state={},view=new Uint32Array(0),viewKey=null,orderKey=null,opened={};
  var range=d.getElementById('range'),printed=d.getElementById('printed'),prev=d.getElementById('prev'),next=d.getElementById('next');
  function copy(s){var c={};for(var k in DEFAULTS){c[k]=s[k];}return c;}
  function fromFragment(){
    var s=copy(DEFAULTS),h=location.hash.replace(/^#/,'');
    h.split('&').forEach(function(pair){
      var i=pair.indexOf('=');if(i<1){return;}
      var k,v;
      try{k=decodeURIComponent(pair.slice(0,i));v=decodeURIComponent(pair.slice(i+1));}catch(e){return;}
      if(Object.prototype.hasOwnProperty.call(DEFAULTS,k)){s[k]=v;}
    });
    return s;
  }
  function toFragment(s){
    var out=[];
    for(var k in DEFAULTS){if(s[k]!==DEFAULTS[k]){out.push(k+'='+encodeURIComponent(s[k]));}}
    return out.length?'#'+out.join('&'):'#findings';
  }
  function boxes(name){return [].slice.call(d.querySelectorAll('input[name="'+name+'"]'));}
  function checkedOf(name){return boxes(name).filter(function(b){return b.checked;}).map(function(b){return b.value;}).join(',');}
  function showState(s){
    d.getElementById('q').value=s.q;d.getElementById('q').setAttribute('value',s.q);
    ['sev','st'].forEach(function(name){
      var on=s[name].split(',');
      boxes(name).forEach(function(b){b.checked=on.indexOf(b.value)>=0;if(b.checked){b.setAttribute('checked','');}else{b.removeAttribute('checked');}});
    });
    SELECTS.forEach(function(k){
      var e=d.getElementById(k);e.value=s[k];
      if(e.value!==s[k]){e.value='';s[k]='';}
      [].forEach.call(e.options,function(o){if(o.value===s[k]){o.setAttribute('selected','');}else{o.removeAttribute('selected');}});
    });
    [].forEach.call(d.querySelectorAll('button.sort'),function(b){
      if(b.getAttribute('data-key')===s.sort){b.setAttribute('data-dir',s.dir);}else{b.removeAttribute('data-dir');}
    });
  }
  function readState(){
    var s=copy(state);s.q=d.getElementById('q').value;s.sev=checkedOf('sev');s.st=checkedOf('st');
    SELECTS.forEach(function(k){s[k]=d.getElementById(k).value;});
    return s;
  }
  // Which values of a table a filter keeps.
  function keeps(table,chosen){return table.map(function(v){return chosen===''||v===chosen;});}
  function filter(s){
    var sev=s.sev.split(','),st=s.st.split(',');
    var sevOk=meta.sev.map(function(v){return sev.indexOf(v)>=0;}),stOk=meta.st.map(function(v){return st.indexOf(v)>=0;});
    var kindOk=kinds.map(function(k){return (s.duty===''||k[2]===s.duty)&&(s.rule===''||k[0]===s.rule);});
    var regionOk=keeps(meta.regions,s.region),accountOk=keeps(meta.accounts,s.account);
    var q=s.q.toLowerCase().trim();
    if(q!==''&&!lowR){
      lowR=R.map(function(r){return r.toLowerCase();});lowM=M.map(function(m){return m.toLowerCase();});
    }
    var kindHit=kindText.map(function(t){return q===''||t.indexOf(q)>=0;});
    var sevHit=meta.sev.map(function(v){return v.indexOf(q)>=0;}),stHit=meta.st.map(function(v){return v.indexOf(q)>=0;});
    var regionHit=regionText.map(function(t){return t.indexOf(q)>=0;});
    var out=new Uint32Array(n),m=0;
    for(var i=0;i<n;i++){
      if(!(sevOk[S[i]]&&stOk[T[i]]&&kindOk[K[i]]&&regionOk[G[i]]&&accountOk[A[i]])){continue;}
      if(q!==''&&!(kindHit[K[i]]||sevHit[S[i]]||stHit[T[i]]||regionHit[G[i]]||lowR[i].indexOf(q)>=0||lowM[i].indexOf(q)>=0)){continue;}
      out[m++]=i;
    }
    return out.subarray(0,m);
  }
  // Sorts the shown findings; equal keys keep the report's order.
  function order(list,s){
    var asc=s.dir==='asc',m=list.length;
    if(s.sort==='sev'||s.sort==='st'){
      var of=s.sort==='sev'?S:T,size=s.sort==='sev'?meta.sev.length:meta.st.length;
      // Severity descending is the most severe first; status descending is fail first.
      var reversed=(s.sort==='sev')!==asc;
      var counts=new Uint32Array(size+1),out=new Uint32Array(m),b,i;
      var rank=function(v){return reversed?size-1-v:v;};
      for(i=0;i<m;i++){counts[rank(of[list[i]])+1]++;}
      for(b=0;b<size;b++){counts[b+1]+=counts[b];}
      for(i=0;i<m;i++){out[counts[rank(of[list[i]])]++]=list[i];}
      return out;
    }
    var keys=new Array(m),titles=kinds.map(function(k){return k[1].toLowerCase();});
    for(var j=0;j<m;j++){
      var f=list[j];
      keys[j]=s.sort==='title'?titles[K[f]]:s.sort==='region'?regionText[G[f]]:s.sort==='resource'?R[f].toLowerCase():M[f].toLowerCase();
    }
    var positions=new Array(m),sign=asc?1:-1;
    for(j=0;j<m;j++){positions[j]=j;}
    positions.sort(function(a,b){
      var x=keys[a],y=keys[b];
      if(x<y){return -sign;}if(x>y){return sign;}
      return a-b;
    });
    var sorted=new Uint32Array(m);
    for(j=0;j<m;j++){sorted[j]=list[positions[j]];}
    return sorted;
  }
  function el(tag,cls,text){
    var e=d.createElement(tag);if(cls){e.className=cls;}if(text!==undefined){e.textContent=text;}return e;
  }
  function row(i){
    var k=kinds[K[i]],sev=meta.sev[S[i]],st=meta.st[T[i]],tr=el('tr',opened[i]?'f open':'f'),td;
    tr.tabIndex=0;tr.setAttribute('data-i',i);
    td=el('td');td.appendChild(el('span','sev sev-'+sev,sev));tr.appendChild(td);
    tr.appendChild(el('td','st st-'+st,st));
    td=el('td',null,k[1]);
    var ids=el('div','ids');ids.appendChild(el('code',null,k[0]));
    if(k[3]){ids.appendChild(d.createTextNode(' · '+k[3]));}
    td.appendChild(ids);tr.appendChild(td);
    td=el('td');td.appendChild(el('code',null,R[i]));tr.appendChild(td);
    tr.appendChild(el('td',null,meta.regions[G[i]]));
    tr.appendChild(el('td',null,M[i]));
    return tr;
  }
  // The evidence of finding i as the text of its JSON, from the evidence block of its
  // chunk (a JSON array, whose items' places are found once, when a row of the chunk is
  // first opened).
  function evidenceOf(i){
    var c=Math.floor(i/CHUNK),block=evidenceBlocks[c];if(!block){return 'null';}
    var text=block.textContent,starts=evidenceStarts[c];
    if(!starts){
      starts=[1];
      for(var p=0,depth=0,inString=false;p<text.length;p++){
        var ch=text[p];
        if(inString){if(ch==='\\'){p++;}else if(ch==='"'){inString=false;}}
        else if(ch==='"'){inString=true;}
        else if(ch==='['||ch==='{'){depth++;}
        else if(ch===']'||ch==='}'){depth--;}
        else if(ch===','&&depth===1){starts.push(p+1);}
      }
      evidenceStarts[c]=starts;
    }
    var from=starts[i-c*CHUNK];
    return from===undefined?'null':pretty(text,from);
  }
  // The JSON value at `from` in `text`, indented as serde_json's pretty printer does; the
  // `\u` escapes the report wrote for the HTML parser are turned back into characters.
  function pretty(text,from){
    var out='',indent='',depth=0,inString=false;
    for(var p=from;p<text.length;p++){
      var ch=text[p];
      if(inString){
        if(ch==='\\'){
          var u=text.substr(p,6);
          if(/^\\u(003c|003e|0026|2028|2029)$/.test(u)){out+=String.fromCharCode(parseInt(u.slice(2),16));p+=5;}
          else{out+=ch+text[p+1];p++;}
          continue;
        }
        if(ch==='"'){inString=false;}
        out+=ch;continue;
      }
      if(depth===0&&p>from&&(ch===','||ch===']')){break;}
      if(ch==='"'){inString=true;out+=ch;}
      else if(ch==='{'||ch==='['){
        var close=ch==='{'?'}':']';
        if(text[p+1]===close){out+=ch+close;p++;}
        else{depth++;indent+='  ';out+=ch+'\n'+indent;}
      }
      else if(ch==='}'||ch===']'){
        depth--;indent=indent.slice(2);out+='\n'+indent+ch;
        if(depth===0){break;}
      }
      else if(ch===','){out+=',\n'+indent;}
      else if(ch===':'){out+=': ';}
      else{out+=ch;}
    }
    return out;
  }
  function detail(i){
    var k=kinds[K[i]],tr=el('tr','d'),td=el('td'),box=el('div','detail'),p,w=W[i];
    td.colSpan=6;
    if(w){
      p=el('p');p.appendChild(el('strong',null,'Waived'));p.appendChild(d.createTextNode(' until '+w[1]+': '+w[2]));box.appendChild(p);
    }
    if(k[3]){p=el('p');p.appendChild(el('strong',null,'Compliance:'));p.appendChild(d.createTextNode(' '+k[3]));box.appendChild(p);}
    var evidence=evidenceOf(i);
    if(evidence!=='null'){box.appendChild(el('h4',null,'Evidence'));box.appendChild(el('pre',null,evidence));}
    var doc=el('div','doc'),t=d.getElementById('doc-'+k[0]);
    if(t){doc.appendChild(t.content.cloneNode(true));}
    box.appendChild(doc);
    p=el('p');var a=el('a',null,'The rule\'s full documentation');a.setAttribute('href','#rule-'+k[0]);p.appendChild(a);box.appendChild(p);
    td.appendChild(box);tr.appendChild(td);return tr;
  }
  function number(v){return v.toLocaleString('en-US');}
  // The rows of the page shown; for printing, of every page (up to PRINTED rows).
  var PRINTED=5000;
  function render(printing){
    var total=view.length,pages=Math.max(1,Math.ceil(total/PAGE)),page=Math.min(Math.max(1,parseInt(state.page,10)||1),pages);
    state.page=String(page);
    var from=printing?0:(page-1)*PAGE,to=Math.min(total,printing?PRINTED:from+PAGE),frag=d.createDocumentFragment();
    for(var p=from;p<to;p++){
      var i=view[p];frag.appendChild(row(i));if(opened[i]){frag.appendChild(detail(i));}
    }
    tbody.textContent='';tbody.appendChild(frag);
    range.textContent=total?'rows '+number(from+1)+'–'+number(to)+' of '+number(total):'no rows';
    printed.textContent=to<total?'Printed: rows '+number(from+1)+'–'+number(to)+' of the '+number(total)+' the filters show.':'';
    prev.disabled=page<=1;next.disabled=page>=pages;
  }
  function filterKey(s){return [s.q.toLowerCase().trim(),s.sev,s.st,s.duty,s.region,s.rule,s.account].join('\n');}
  function apply(s){
    showState(s);
    var key=filterKey(s);
    if(key!==viewKey||s.sort+' '+s.dir!==orderKey){
      view=order(filter(s),s);viewKey=key;orderKey=s.sort+' '+s.dir;
    }
    state=s;render(false);
    d.getElementById('shown').textContent=view.length;
    d.getElementById('total').textContent=n;
    d.body.setAttribute('data-shown',view.length);
    d.body.setAttribute('data-view',toFragment(state));
  }
  // A change of the filters shows their first page.
  function commit(){
    var s=readState();if(filterKey(s)!==viewKey){s.page='1';}
    apply(s);history.replaceState(null,'',toFragment(state));
  }
  function toPage(delta){
    var s=copy(state);s.page=String((parseInt(s.page,10)||1)+delta);apply(s);
    history.replaceState(null,'',toFragment(state));
    var top=d.getElementById('findings');if(top.getBoundingClientRect().top<0){top.scrollIntoView();}
  }
  function open(r){
    var i=+r.getAttribute('data-i');
    if(opened[i]){
      delete opened[i];r.classList.remove('open');
      var after=r.nextElementSibling;if(after&&after.classList.contains('d')){after.remove();}
    }else{
      opened[i]=true;r.classList.add('open');r.after(detail(i));
    }
  }
  tbody.addEventListener('click',function(e){
    if(e.target.closest('a')){return;}
    var r=e.target.closest('tr.f');if(r){open(r);}
  });
  tbody.addEventListener('keydown',function(e){
    var r=e.target.closest('tr.f');if(r&&(e.key==='Enter'||e.key===' ')){e.preventDefault();open(r);}
  });
  [].forEach.call(d.querySelectorAll('.filters input[type=checkbox],#duty,#region,#rule,#account'),function(e){e.addEventListener('change',commit);});
  var typing;
  d.getElementById('q').addEventListener('input',function(){clearTimeout(typing);typing=setTimeout(commit,150);});
  [].forEach.call(d.querySelectorAll('button.sort'),function(b){
    b.addEventListener('click',function(){
      var k=b.getAttribute('data-key'),s=readState();
      s.dir=(s.sort===k&&s.dir==='desc')?'asc':(s.sort===k?'desc':(k==='sev'||k==='st'?'desc':'asc'));
      s.sort=k;s.page='1';apply(s);history.replaceState(null,'',toFragment(state));
    });
  });
  window.addEventListener('beforeprint',function(){render(true);});
  window.addEventListener('afterprint',function(){render(false);});
  prev.addEventListener('click',function(){toPage(-1);});
  next.addEventListener('click',function(){toPage(1);});
  d.getElementById('reset').addEventListener('click',function(e){e.preventDefault();apply(copy(DEFAULTS));history.replaceState(null,'','#findings');});
  // A link to a view (`#rule=...&st=fail`) shows it; a link to a place (`#rule-...`) only
  // moves there.
  window.addEventListener('hashchange',function(){
    if(location.hash.indexOf('=')<0){return;}
    var s=fromFragment();apply(s);d.getElementById('findings').scrollIntoView();
  });
  var framework=d.getElementById('framework');
  function showFramework(){
    [].forEach.call(d.querySelectorAll('section.framework'),function(s){s.hidden=s.getAttribute('data-framework')!==framework.value;});
  }
  if(framework){framework.addEventListener('change',showFramework);showFramework();}
  var applied=performance.now();
  apply(fromFragment());
  d.body.setAttribute('data-ready-ms',Math.round(performance.now()));
  d.body.setAttribute('data-load-ms',Math.round(applied-start));
  d.body.setAttribute('data-apply-ms',Math.round(performance.now()-applied));
})();
